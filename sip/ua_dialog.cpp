// In-dialog traffic: INVITE responses, ACK, BYE, re-INVITE/UPDATE (hold, session refresh,
// media moves), INFO DTMF and the call timers (RFC 3261 §12-§15, RFC 3264 §8).
#include "sip/user_agent.h"

#include "sip/builder.h"
#include "sip/headers.h"
#include "sip/uri.h"

namespace oh::sip {

namespace {

constexpr Nanoseconds k64T1 = 64 * kT1;

EndReason reason_for(uint16_t status)
{
    switch (status) {
    case 486: case 600: return EndReason::Busy;
    case 487: return EndReason::Cancelled;
    case 488: case 606: return EndReason::NotAcceptable;
    case 408: case 480: return EndReason::Timeout;
    default: return EndReason::Rejected;
    }
}

// The answer inside a response or ACK, as seen from the offerer.
Result<MediaSession> read_answer(const Message& m, const LocalMedia& local)
{
    SessionDescription sd;
    if (!has_sdp_body(m) || parse_sdp(m.body, sd).is_error())
        return Result<MediaSession>(Error::Malformed, "No SDP answer");
    return accept_answer(sd, local);
}

} // namespace

void SipUserAgent::reinvite_response(Call& c, const Message& m)
{
    if (m.status < 200 || c.state != CallState::Active)
        return;
    if (m.status < 300) {
        if (c.reinvite_pending) {
            char branch[24];
            new_branch(branch);
            c.ack_branch.assign(Str(branch, 23));
            if (auto ms = read_answer(m, c.local))
                set_media(c, *ms);
            c.reinvite_pending = false;
        }
        send_ack_2xx(c);
    } else if ((m.status == 401 || m.status == 407) && take_challenge(m, c.auth)) {
        if (send_invite(c, false).is_error())
            c.reinvite_pending = false;
    } else if (m.status == 491) {
        // §14.1 glare: try again after a random 2.1-4 s.
        c.glare_retry_at = m_clock.now_ns() + (2100 + m_random.next_u32() % 1900) * kNsPerMs;
    } else if (m.status == 481 || m.status == 408) {
        end_call(c, EndReason::RemoteHangup, m.status); // §12.2.1.2: the dialog is gone
    } else {
        c.reinvite_pending = false;
        c.holding = !c.holding; // the change was refused; media stays as it was
    }
}

void SipUserAgent::invite_response(Call& c, const Message& m, Transaction& tx)
{
    if (Purpose(tx.purpose) == Purpose::ReInvite) {
        reinvite_response(c, m);
        return;
    }
    if (c.state == CallState::Idle || c.state == CallState::Ending)
        return;
    if (m.status < 200) {
        c.have_provisional = true;
        if (c.cancel_owed) {
            c.cancel_owed = false;
            send_cancel(c);
        }
        if (c.state == CallState::Cancelling || m.status == 100)
            return;
        c.state = CallState::Ringing;
        m_listener.on_call_progress(id_of(c), m.status);
        if (has_sdp_body(m)) {
            if (auto ms = read_answer(m, c.local))
                set_media(c, *ms); // early media (183 Session Progress)
        }
        return;
    }
    if (m.status < 300) {
        if (c.state == CallState::Active) {
            send_ack_2xx(c); // a retransmitted 2xx
            return;
        }
        if (dialog_from_response(c.dialog, m).is_error()) {
            end_call(c, EndReason::Error, m.status);
            return;
        }
        c.peer = dialog_next_hop(c.dialog, c.peer);
        char branch[24];
        new_branch(branch);
        c.ack_branch.assign(Str(branch, 23));
        send_ack_2xx(c);
        auto ms = read_answer(m, c.local);
        if (c.state == CallState::Cancelling || !ms) {
            // Answered after we hung up (or with nothing usable): ACK, then BYE (§15).
            if (c.state != CallState::Cancelling)
                m_listener.on_call_ended(id_of(c), EndReason::NotAcceptable, m.status);
            c.state = CallState::Ending;
            c.bye_attempts = 0;
            if (send_in_dialog(c, Method::Bye).is_error())
                c.state = CallState::Idle;
            return;
        }
        c.state = CallState::Active;
        c.ring_until = c.give_up_at = 0;
        m_listener.on_call_answered(id_of(c));
        set_media(c, *ms);
        return;
    }
    if ((m.status == 401 || m.status == 407) && c.state != CallState::Cancelling && take_challenge(m, c.auth)) {
        if (send_invite(c, true).is_error())
            end_call(c, EndReason::Error, m.status);
        return;
    }
    end_call(c, reason_for(m.status), m.status);
}

void SipUserAgent::dialog_response(Call& c, const Message& m, Transaction& tx)
{
    if (Purpose(tx.purpose) == Purpose::Bye && m.status >= 200 && c.state == CallState::Ending)
        c.state = CallState::Idle;
}

void SipUserAgent::in_dialog_request(const Message& m, Transaction* tx, const Endpoint& source)
{
    Call* c = find_call(m, true);
    if (!c) {
        if (tx)
            respond(*tx, m, 481); // §12.2.2: no dialog matches
        return;
    }
    if (m.method == Method::Ack) {
        if (!c->retransmit_at || m.cseq != c->invite_cseq)
            return;
        c->retransmit_at = c->give_up_at = 0;
        if (c->offer_in_ack) {
            c->offer_in_ack = false;
            if (auto ms = read_answer(m, c->local))
                set_media(*c, *ms);
        }
        if (c->state == CallState::Answering) {
            c->state = CallState::Active;
            m_listener.on_call_answered(id_of(*c));
        }
        return;
    }
    if (!tx)
        return;
    // §12.2.2: requests must arrive with rising CSeq.
    if (c->dialog.remote_cseq_known && m.cseq < c->dialog.remote_cseq) {
        respond(*tx, m, 500);
        return;
    }
    c->dialog.remote_cseq = m.cseq;
    c->dialog.remote_cseq_known = true;
    if (c->retransmit_at && m.cseq > c->invite_cseq) {
        // A newer request in the dialog means the peer has our 2xx (it may not start another
        // INVITE before that one completed, §14.1): treat it as the lost ACK rather than
        // tear the call down 64*T1 later.
        c->retransmit_at = c->give_up_at = 0;
        c->offer_in_ack = false;
        if (c->state == CallState::Answering) {
            c->state = CallState::Active;
            m_listener.on_call_answered(id_of(*c));
        }
    }
    switch (m.method) {
    case Method::Bye:
        respond(*tx, m, 200);
        end_call(*c, EndReason::RemoteHangup, 0);
        return;
    case Method::Invite:
    case Method::Update:
        reinvite(*c, m, *tx);
        return;
    case Method::Info:
        handle_info(*c, m);
        respond(*tx, m, 200);
        return;
    case Method::Options:
    case Method::Notify:
        respond(*tx, m, 200);
        return;
    default:
        respond(*tx, m, 501);
        return;
    }
}

void SipUserAgent::reinvite(Call& c, const Message& m, Transaction& tx)
{
    bool invite = m.method == Method::Invite;
    if (c.state != CallState::Active || (invite && (c.reinvite_pending || c.retransmit_at))) {
        // §14.2: we have our own offer outstanding (491) or the first 2xx is unacknowledged.
        respond(tx, m, c.reinvite_pending ? 491 : 500);
        return;
    }
    char extra[200];
    Writer ew(extra, sizeof extra);
    write_contact(ew);
    ew.header("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, NOTIFY");
    char sdp[600];
    Writer sw(sdp, sizeof sdp);
    Direction want = c.holding ? Direction::SendOnly : Direction::SendRecv;
    if (!m.body.empty()) {
        SessionDescription offer;
        auto ms = has_sdp_body(m) && parse_sdp(m.body, offer) ? negotiate_offer(offer, c.local, want)
                                                         : Result<MediaSession>(Error::Malformed);
        if (!ms) {
            respond(tx, m, 488); // the old session stays in place (RFC 3261 §14.2)
            return;
        }
        // Same SDP version for a pure session refresh; a new one when our side changes.
        if (c.has_media && (ms->codec != c.media.codec || ms->pt != c.media.pt || ms->te_pt != c.media.te_pt
                            || ms->direction != c.media.direction))
            c.local.session_version++;
        write_sdp_answer(sw, c.local, offer, *ms);
        respond(tx, m, 200, {}, ew.view(), sw.view());
        set_media(c, *ms); // a moved address/port or a hold is followed right away
    } else if (invite) {
        // Offer-less re-INVITE (session timer refresh): offer our current SDP, answer in ACK.
        write_sdp_offer(sw, c.local, want);
        respond(tx, m, 200, {}, ew.view(), sw.view());
        c.offer_in_ack = true;
    } else {
        respond(tx, m, 200, {}, ew.view()); // UPDATE without SDP: a session refresh
    }
    if (!invite)
        return;
    Nanoseconds now = m_clock.now_ns();
    c.invite_tx = tx_index(&tx);
    c.invite_cseq = m.cseq;
    c.retransmit_interval = kT1;
    c.retransmit_at = now + kT1;
    c.give_up_at = now + k64T1;
}

void SipUserAgent::handle_info(Call& c, const Message& m)
{
    // application/dtmf-relay ("Signal=5\r\nDuration=160") or application/dtmf ("5").
    const Header* ct = m.find(HeaderId::ContentType);
    if (!ct)
        return;
    Str signal, duration;
    if (istarts_with(ct->value, "application/dtmf-relay")) {
        size_t at = 0;
        while (at < m.body.size()) {
            size_t nl = find_char(m.body, '\n', at);
            Str line = trim(m.body.substr(at, nl == kNpos ? kNpos : nl - at));
            at = nl == kNpos ? m.body.size() : nl + 1;
            size_t eq = find_char(line, '=');
            if (eq == kNpos)
                continue;
            Str key = trim(line.substr(0, eq));
            if (ieq(key, "Signal"))
                signal = trim(line.substr(eq + 1));
            else if (ieq(key, "Duration"))
                duration = trim(line.substr(eq + 1));
        }
    } else if (istarts_with(ct->value, "application/dtmf")) {
        signal = trim(m.body);
    }
    char digit = 0;
    if (signal.size() == 1 && (is_digit(signal[0]) || signal[0] == '*' || signal[0] == '#'
                               || (to_lower(signal[0]) >= 'a' && to_lower(signal[0]) <= 'd')))
        digit = signal[0] >= 'a' ? char(signal[0] - 32) : signal[0];
    else if (signal == "10")
        digit = '*';
    else if (signal == "11")
        digit = '#';
    if (!digit)
        return;
    auto ms = parse_uint(duration, 60000);
    m_listener.on_dtmf(id_of(c), digit, uint16_t(ms ? *ms : 100));
}

void SipUserAgent::send_2xx_again(Call& c)
{
    Transaction* tx = tx_at(c.invite_tx, TxKind::InviteServer, c.invite_cseq);
    if (tx && tx->state == TxState::Accepted)
        m_transport.send(tx->peer, tx->message());
}

void SipUserAgent::call_timers(Call& c, Nanoseconds now)
{
    if (c.state == CallState::Idle)
        return;
    if (c.retransmit_at && now >= c.retransmit_at) {
        send_2xx_again(c);
        c.retransmit_interval = c.retransmit_interval * 2 > kT2 ? kT2 : c.retransmit_interval * 2;
        c.retransmit_at = now + c.retransmit_interval;
    }
    if (c.give_up_at && now >= c.give_up_at) {
        c.give_up_at = c.retransmit_at = 0;
        if (c.state == CallState::Cancelling) {
            end_call(c, EndReason::Cancelled, 0);
        } else if (c.state == CallState::Active) {
            // A re-INVITE's 2xx never ACKed. §14.2 says SHOULD send BYE; on a dialog that is
            // already confirmed and whose peer just spoke to us the ACK was almost surely
            // lost, so we keep the call rather than hang up on the user.
        } else if (c.state == CallState::Answering) {
            // §13.3.1.4: no ACK within 64*T1 ends the dialog with a BYE.
            m_listener.on_call_ended(id_of(c), EndReason::Timeout, 408);
            c.state = CallState::Ending;
            c.has_media = false;
            c.bye_attempts = 0;
            if (send_in_dialog(c, Method::Bye).is_error())
                c.state = CallState::Idle;
        }
    }
    if (c.ring_until && now >= c.ring_until) {
        c.ring_until = 0;
        if (c.state == CallState::Incoming) {
            if (Transaction* tx = tx_at(c.invite_tx, TxKind::InviteServer, c.invite_cseq))
                m_tx.respond_from_provisional(*tx, 480, "No Answer", {}, {});
            end_call(c, EndReason::Timeout, 480);
        } else if (c.state == CallState::Calling || c.state == CallState::Ringing) {
            if (hangup(id_of(c)).is_error())
                end_call(c, EndReason::Timeout, 0);
        }
    }
    if (c.glare_retry_at && now >= c.glare_retry_at) {
        c.glare_retry_at = 0;
        if (c.state == CallState::Active && send_invite(c, false).is_error())
            c.reinvite_pending = false;
    }
}

} // namespace oh::sip
