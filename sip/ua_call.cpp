// Calls: INVITE/CANCEL/BYE/re-INVITE as UAC and UAS, dialogs, SDP, 2xx/ACK reliability.
#include "sip/user_agent.h"

#include "sip/builder.h"
#include "sip/headers.h"
#include "sip/uri.h"

namespace oh::sip {

namespace {

constexpr Nanoseconds k64T1 = 64 * kT1;
constexpr Str kAllowValue = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, NOTIFY";

} // namespace

Call* SipUserAgent::find_call(const Message& m, bool)
{
    auto from = parse_name_addr(m.from);
    auto to = parse_name_addr(m.to);
    if (!from || !to)
        return nullptr;
    for (auto& c : m_calls)
        if (c.state != CallState::Idle && c.dialog.matches(m.call_id, to->tag(), from->tag()))
            return &c;
    return nullptr;
}

void SipUserAgent::set_media(Call& c, const MediaSession& ms)
{
    if (c.has_media && c.media == ms)
        return;
    c.media = ms;
    c.has_media = true;
    m_listener.on_media(id_of(c), ms);
}

void SipUserAgent::end_call(Call& c, EndReason reason, uint16_t status, bool notify)
{
    // Local hang-ups were reported when the user asked; don't report them twice.
    bool told = c.state == CallState::Cancelling || c.state == CallState::Ending || c.state == CallState::Idle;
    c.state = CallState::Idle;
    c.retransmit_at = c.give_up_at = c.ring_until = c.glare_retry_at = 0;
    c.has_media = false;
    if (notify && !told)
        m_listener.on_call_ended(id_of(c), reason, status);
}

void SipUserAgent::incoming_invite(const Message& m, Transaction& tx, const Endpoint& source)
{
    Nanoseconds now = m_clock.now_ns();
    FixedString<32> tag;
    new_tag(tag);
    Call* c = nullptr;
    for (auto& slot : m_calls) {
        if (slot.state != CallState::Idle && slot.state != CallState::Ending) {
            respond(tx, m, 486, tag.view());
            return;
        }
        if (!c && slot.state == CallState::Idle)
            c = &slot;
    }
    if (!c) {
        respond(tx, m, 486, tag.view());
        return;
    }
    *c = Call {};
    if (uint16_t refused = prepare_answer(*c, m)) {
        respond(tx, m, refused, tag.view());
        return;
    }
    if (dialog_from_request(c->dialog, m, tag.view()).is_error()) {
        respond(tx, m, 400, tag.view());
        return;
    }
    c->dialog.local_cseq = m_random.next_u32() % 10000 + 1;
    c->state = CallState::Incoming;
    c->peer = source;
    c->origin = source;
    c->invite_tx = tx_index(&tx);
    c->invite_cseq = m.cseq;
    c->ring_until = now + m_config.ring_timeout;
    respond(tx, m, 100);
    char extra[128];
    Writer ew(extra, sizeof extra);
    write_contact(ew);
    respond(tx, m, 180, tag.view(), ew.view());
    auto from = parse_name_addr(m.from);
    m_listener.on_incoming_call(id_of(*c), from ? unquote(from->display) : Str {}, from ? from->uri.text : Str {});
    if (m_config.auto_answer && c->state == CallState::Incoming && answer(id_of(*c)).is_error()) {
        // The transaction vanished under us; the call keeps ringing until it times out.
    }
}

void SipUserAgent::init_local_media(Call& c)
{
    c.local.rtp = { m_config.local.address, m_config.rtp_port };
    c.local.codec_count = m_config.codec_count > 2 ? 2 : m_config.codec_count;
    for (uint8_t i = 0; i < c.local.codec_count; i++)
        c.local.codecs[i] = m_config.codecs[i];
    c.local.session_id = m_random.next_u32() & 0x7fffffff; // RFC 4566 §5.2: an NTP-ish unique id
}

// Negotiates the INVITE's offer now, so a 488 goes out before we ring, and keeps the SDP for
// the 200. Returns 0, or the status to refuse the INVITE with.
uint16_t SipUserAgent::prepare_answer(Call& c, const Message& m)
{
    init_local_media(c);
    char sdp[600];
    Writer sw(sdp, sizeof sdp);
    if (!m.body.empty()) {
        SessionDescription offer;
        if (!has_sdp_body(m))
            return 415;
        auto ms = parse_sdp(m.body, offer) ? negotiate_offer(offer, c.local, Direction::SendRecv)
                                           : Result<MediaSession>(Error::Malformed);
        if (!ms)
            return 488;
        c.media = *ms;
        write_sdp_answer(sw, c.local, offer, *ms);
    } else {
        c.offer_in_ack = true; // delayed offer: we offer in the 200, the answer rides the ACK
        write_sdp_offer(sw, c.local, Direction::SendRecv);
    }
    return sw.ok() && c.answer_sdp.assign(sw.view()) ? 0 : 500;
}

Result<void> SipUserAgent::answer(CallId id)
{
    if (id >= kMaxCalls || m_calls[id].state != CallState::Incoming)
        return Result<void>(Error::InvalidArgument, "No call ringing");
    Call& c = m_calls[id];
    Transaction* tx = tx_at(c.invite_tx, TxKind::InviteServer, c.invite_cseq);
    if (!tx || tx->state != TxState::Proceeding)
        return Result<void>(Error::NotFound, "INVITE transaction gone");
    char extra[256];
    Writer ew(extra, sizeof extra);
    write_contact(ew);
    ew.header("Allow", kAllowValue).header("Server", m_config.user_agent);
    if (!m_tx.respond_from_provisional(*tx, 200, {}, ew.view(), c.answer_sdp.view()))
        return Result<void>(Error::NoSpace, "200 OK too large");
    // §13.3.1.4: the UA core retransmits the 2xx until the ACK arrives.
    Nanoseconds now = m_clock.now_ns();
    c.state = CallState::Answering;
    c.ring_until = 0;
    c.retransmit_interval = kT1;
    c.retransmit_at = now + kT1;
    c.give_up_at = now + k64T1;
    if (!c.offer_in_ack)
        set_media(c, c.media);
    return {};
}

Result<CallId> SipUserAgent::dial(Str target)
{
    Call* c = nullptr;
    for (auto& slot : m_calls) {
        if (slot.state != CallState::Idle && slot.state != CallState::Ending)
            return Result<CallId>(Error::Busy, "A call is in progress");
        if (!c && slot.state == CallState::Idle)
            c = &slot;
    }
    if (!c)
        return Result<CallId>(Error::Busy, "No free call slot");
    // A bare number or name dials user@domain.
    char uri_buf[decltype(Dialog::remote_target)::capacity()];
    Writer uw(uri_buf, sizeof uri_buf);
    if (find_char(target, ':') == kNpos)
        uw.put("sip:").put(target).put('@').put(m_config.domain);
    else
        uw.put(target);
    auto uri = parse_uri(uw.view());
    if (!uw.ok() || !uri || (uri->scheme != UriScheme::Sip && uri->scheme != UriScheme::Sips))
        return Result<CallId>(Error::InvalidArgument, "Bad URI");
    *c = Call {};
    c->outgoing = true;
    init_local_media(*c);
    char buf[decltype(Dialog::local_header)::capacity()];
    Writer w(buf, sizeof buf);
    w.put_hex(m_random.next_u32(), 8).put_hex(m_random.next_u32(), 8).put('@').put_ipv4(m_config.local.address.value);
    c->dialog.call_id.assign(w.view());
    FixedString<32> tag;
    new_tag(tag);
    c->dialog.local_tag.assign(tag.view());
    w.truncate(0);
    if (!m_config.display_name.empty())
        w.put('"').put(m_config.display_name).put("\" ");
    w.put("<sip:").put(m_config.user).put('@').put(m_config.domain).put(">;tag=").put(tag.view());
    bool ok = w.ok() && c->dialog.local_header.assign(w.view()) && c->dialog.remote_target.assign(uw.view());
    w.truncate(0);
    w.put('<').put(uw.view()).put('>');
    if (!ok || !w.ok() || !c->dialog.remote_header.assign(w.view()))
        return Result<CallId>(Error::InvalidArgument, "URI too long");
    c->dialog.local_cseq = m_random.next_u32() % 10000 + 1;
    c->peer = request_target(uw.view());
    c->origin = c->peer;
    c->state = CallState::Calling;
    c->ring_until = m_clock.now_ns() + m_config.ring_timeout;
    if (auto sent = send_invite(*c, true); sent.is_error()) {
        c->state = CallState::Idle;
        return Result<CallId>(sent.error_info());
    }
    return id_of(*c);
}

Result<void> SipUserAgent::send_invite(Call& c, bool initial)
{
    char sdp[600];
    Writer sw(sdp, sizeof sdp);
    write_sdp_offer(sw, c.local, c.holding ? Direction::SendOnly : Direction::SendRecv);
    char branch[24], via[32];
    new_branch(branch);
    uint32_t cseq = ++c.dialog.local_cseq;
    auto buf = m_tx.scratch();
    Writer w(buf);
    if (initial) {
        write_request_line(w, Method::Invite, c.dialog.remote_target.view());
        w.put("Via: SIP/2.0/UDP ").put(sent_by(via)).put(";branch=").put(Str(branch, 23)).put(";rport\r\n");
        w.put("Max-Forwards: 70\r\n");
        w.header("From", c.dialog.local_header.view());
        w.header("To", c.dialog.remote_header.view());
        w.header("Call-ID", c.dialog.call_id.view());
        w.put("CSeq: ").put_uint(cseq).put(" INVITE\r\n");
    } else {
        write_dialog_request(w, c.dialog, Method::Invite, cseq, sent_by(via), Str(branch, 23));
    }
    write_contact(w);
    w.header("Allow", kAllowValue).header("User-Agent", m_config.user_agent);
    write_credentials(w, c.auth, Method::Invite, c.dialog.remote_target.view());
    auto len = finish_message(w, "application/sdp", sw.view());
    if (!len || !sw.ok())
        return Result<void>(Error::NoSpace, "INVITE too large");
    auto tx = m_tx.start_client(buf.first(*len), Method::Invite, cseq, Str(branch, 23), c.peer,
                                uint8_t(initial ? Purpose::Invite : Purpose::ReInvite), id_of(c));
    if (!tx)
        return Result<void>(tx.error_info());
    c.invite_tx = tx_index(*tx);
    c.invite_cseq = cseq;
    c.have_provisional = false;
    return {};
}

void SipUserAgent::send_ack_2xx(Call& c)
{
    // §13.2.2.4: the ACK for a 2xx is its own transaction, sent by the core, resent on each
    // 2xx retransmission with the same branch.
    char via[32];
    auto buf = m_tx.scratch();
    Writer w(buf);
    write_dialog_request(w, c.dialog, Method::Ack, c.invite_cseq, sent_by(via), c.ack_branch.view());
    if (auto len = finish_message(w, "", ""))
        m_transport.send(c.peer, buf.first(*len));
}

void SipUserAgent::send_cancel(Call& c)
{
    // §9.1: CANCEL copies Request-URI, Call-ID, To, From, CSeq number, the top Via (same
    // branch) and Route from the INVITE it cancels.
    Transaction* tx = tx_at(c.invite_tx, TxKind::InviteClient, c.invite_cseq);
    Message inv;
    if (!tx || tx->state != TxState::Proceeding || parse_message(tx->message(), Framing::Datagram, inv).is_error())
        return;
    const Via* via = inv.via();
    if (!via)
        return;
    FixedString<64> branch;
    branch.assign(via->branch);
    Endpoint peer = tx->peer;
    auto buf = m_tx.scratch();
    Writer w(buf);
    write_request_line(w, Method::Cancel, inv.request_uri);
    w.header("Via", inv.top_via);
    for (const Header* h = inv.find(HeaderId::Route); h; h = inv.next(HeaderId::Route, h))
        w.header("Route", h->value);
    w.header("From", inv.from).header("To", inv.to).header("Call-ID", inv.call_id);
    w.put("CSeq: ").put_uint(inv.cseq).put(" CANCEL\r\nMax-Forwards: 70\r\n");
    auto len = finish_message(w, "", "");
    // Without a free transaction the CANCEL is skipped: the give-up timer still ends the call.
    if (len && m_tx.start_client(buf.first(*len), Method::Cancel, inv.cseq, branch.view(), peer,
                                 uint8_t(Purpose::Cancel), id_of(c)).is_error())
        c.give_up_at = m_clock.now_ns();
}

Result<void> SipUserAgent::send_in_dialog(Call& c, Method method, Str extra, Str body)
{
    char branch[24], via[32];
    new_branch(branch);
    uint32_t cseq = ++c.dialog.local_cseq;
    auto buf = m_tx.scratch();
    Writer w(buf);
    write_dialog_request(w, c.dialog, method, cseq, sent_by(via), Str(branch, 23));
    w.header("User-Agent", m_config.user_agent).put(extra);
    auto len = finish_message(w, "application/sdp", body);
    if (!len)
        return Result<void>(len.error_info());
    auto tx = m_tx.start_client(buf.first(*len), method, cseq, Str(branch, 23), c.peer,
                                uint8_t(method == Method::Bye ? Purpose::Bye : Purpose::Other), id_of(c));
    if (!tx)
        return Result<void>(tx.error_info());
    return {};
}

Result<void> SipUserAgent::hangup(CallId id)
{
    if (id >= kMaxCalls)
        return Result<void>(Error::InvalidArgument, "No such call");
    Call& c = m_calls[id];
    switch (c.state) {
    case CallState::Calling:
    case CallState::Ringing:
        // §9.1: no CANCEL before a provisional response; owe it until one arrives.
        if (c.have_provisional)
            send_cancel(c);
        else
            c.cancel_owed = true;
        m_listener.on_call_ended(id, EndReason::LocalHangup, 0);
        c.state = CallState::Cancelling;
        c.ring_until = 0;
        c.give_up_at = m_clock.now_ns() + k64T1;
        return {};
    case CallState::Incoming: {
        Transaction* tx = tx_at(c.invite_tx, TxKind::InviteServer, c.invite_cseq);
        if (tx)
            m_tx.respond_from_provisional(*tx, 603, {}, {}, {});
        m_listener.on_call_ended(id, EndReason::LocalHangup, 603);
        end_call(c, EndReason::LocalHangup, 603, false);
        return {};
    }
    case CallState::Answering:
    case CallState::Active:
        m_listener.on_call_ended(id, EndReason::LocalHangup, 0);
        c.retransmit_at = c.give_up_at = c.glare_retry_at = 0;
        c.state = CallState::Ending;
        c.has_media = false;
        c.bye_attempts = 0;
        if (auto sent = send_in_dialog(c, Method::Bye); sent.is_error()) {
            c.state = CallState::Idle;
            return sent;
        }
        return {};
    default:
        return Result<void>(Error::InvalidArgument, "Call not active");
    }
}

Result<void> SipUserAgent::hold(CallId id)
{
    if (id >= kMaxCalls || m_calls[id].state != CallState::Active || m_calls[id].reinvite_pending
        || m_calls[id].retransmit_at)
        return Result<void>(Error::Busy, "Call not ready for re-INVITE");
    Call& c = m_calls[id];
    c.holding = true;
    c.reinvite_pending = true;
    c.local.session_version++;
    c.auth.fresh_tries = 0;
    return send_invite(c, false);
}

Result<void> SipUserAgent::resume(CallId id)
{
    if (id >= kMaxCalls || m_calls[id].state != CallState::Active || m_calls[id].reinvite_pending
        || m_calls[id].retransmit_at)
        return Result<void>(Error::Busy, "Call not ready for re-INVITE");
    Call& c = m_calls[id];
    c.holding = false;
    c.reinvite_pending = true;
    c.local.session_version++;
    c.auth.fresh_tries = 0;
    return send_invite(c, false);
}

} // namespace oh::sip
