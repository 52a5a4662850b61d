// User agent core: datagram intake, admission, dispatch to transactions, shared helpers.
#include "sip/user_agent.h"

#include "sip/builder.h"
#include "sip/headers.h"
#include "sip/uri.h"

namespace oh::sip {

namespace {

constexpr Str kAllowHeader = "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, NOTIFY\r\n";
// No Supported: we implement neither replaces nor acting as a session-timer refresher (we
// do answer refreshes), and claiming them would make Asterisk rely on them.
constexpr Str kOptionsHeaders = "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, NOTIFY\r\n"
                                "Accept: application/sdp\r\n";

// FNV-1a: a stable To tag for stateless answers, so retransmissions get the same one.
uint32_t fnv1a(Str a, uint32_t h = 2166136261u)
{
    for (char c : a)
        h = (h ^ uint8_t(c)) * 16777619u;
    return h;
}

bool only_crlf(std::span<const uint8_t> d)
{
    for (uint8_t b : d)
        if (b != '\r' && b != '\n')
            return false;
    return true;
}

// RFC 3261 §19.1.4: user parts compare case-sensitively, an escaped octet equal to itself
// unescaped ("%31000" is "1000").
bool unescaped_equals(Str escaped, Str plain)
{
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        c = char(c | 0x20);
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    size_t j = 0;
    for (size_t i = 0; i < escaped.size(); i++, j++) {
        char c = escaped[i];
        if (c == '%' && i + 2 < escaped.size() && hex(escaped[i + 1]) >= 0 && hex(escaped[i + 2]) >= 0) {
            c = char(hex(escaped[i + 1]) * 16 + hex(escaped[i + 2]));
            i += 2;
        }
        if (j >= plain.size() || plain[j] != c)
            return false;
    }
    return j == plain.size();
}

} // namespace

SipUserAgent::SipUserAgent(const SipConfig& config, SipTransport& transport, const Clock& clock, Random& random,
                           SipListener& listener)
    : m_config(config), m_transport(transport), m_clock(clock), m_random(random), m_listener(listener),
      m_tx(transport, clock)
{
    Endpoint trusted[kMaxTrustedSources];
    size_t n = 0;
    // The registrar/proxy's flow, address and port: the one our REGISTER proved (a spoofed
    // source address alone from another port is not it).
    trusted[n++] = config.server;
    for (uint8_t i = 0; i < config.trusted_count && n < kMaxTrustedSources; i++)
        trusted[n++] = config.trusted[i];
    m_guard.set_trusted({ trusted, n });
    m_guard.set_policy(config.guard);
    m_reg.contact = config.local;
}

void SipUserAgent::new_tag(FixedString<32>& out)
{
    char buf[16];
    Writer w(buf, sizeof buf);
    w.put_hex(m_random.next_u32(), 8).put_hex(m_random.next_u32(), 8);
    out.assign(w.view());
}

void SipUserAgent::new_branch(char out[24])
{
    // RFC 3261 §8.1.1.7: the magic cookie, then enough randomness to be unique.
    Writer w(out, 23);
    w.put(kBranchCookie).put_hex(m_random.next_u32(), 8).put_hex(m_random.next_u32(), 8);
}

Str SipUserAgent::sent_by(char buf[32]) const
{
    Writer w(buf, 32);
    w.put_ipv4(m_config.local.address.value).put(':').put_uint(m_config.local.port);
    return w.view();
}

void SipUserAgent::write_contact(Writer& w)
{
    // The address the registrar saw us at (RFC 3581 rport), so it can reach us through NAT.
    w.put("Contact: <sip:").put(m_config.user).put('@').put_ipv4(m_reg.contact.address.value);
    w.put(':').put_uint(m_reg.contact.port).put(">\r\n");
}

Endpoint SipUserAgent::request_target(Str uri) const
{
    if (m_config.route_via_server)
        return m_config.server;
    auto u = parse_uri(uri);
    Ipv4Address addr;
    if (u && u->ipv4(addr))
        return { addr, u->port ? u->port : uint16_t(5060) };
    return m_config.server;
}

Transaction* SipUserAgent::tx_at(uint8_t index, TxKind kind, uint32_t cseq)
{
    Transaction* tx = m_tx.at(index);
    if (!tx || tx->state == TxState::Free || tx->kind != kind || tx->cseq != cseq)
        return nullptr;
    return tx;
}

uint8_t SipUserAgent::tx_index(const Transaction* tx) const { return tx ? const_cast<TransactionLayer&>(m_tx).index_of(*tx) : 0xff; }

bool SipUserAgent::take_challenge(const Message& m, AuthState& auth)
{
    HeaderId id = m.status == 407 ? HeaderId::ProxyAuthenticate : HeaderId::WwwAuthenticate;
    for (const Header* h = m.find(id); h; h = m.next(id, h)) {
        auto ch = parse_challenge(h->value);
        if (!ch)
            continue; // e.g. a SHA-256 challenge offered next to an MD5 one
        // Never loop on a rejected password: one answer per fresh challenge, a few more
        // only when the server says the nonce merely went stale (RFC 2617 §3.2.1).
        bool retry = ch->stale ? auth.fresh_tries < 4 : auth.fresh_tries == 0;
        if (!retry)
            return false;
        auth.fresh_tries = uint8_t(auth.fresh_tries + (ch->stale ? 1 : 2));
        bool ok = auth.realm.assign(ch->realm) && auth.nonce.assign(ch->nonce) && auth.opaque.assign(ch->opaque);
        auth.has_opaque = ch->has_opaque;
        auth.qop_auth = ch->qop_auth;
        auth.md5_sess = ch->md5_sess;
        auth.proxy = m.status == 407;
        auth.nc = 0;
        auth.valid = ok;
        return ok;
    }
    return false;
}

bool SipUserAgent::write_credentials(Writer& w, AuthState& auth, Method method, Str uri)
{
    if (!auth.valid)
        return false;
    DigestChallenge ch;
    ch.realm = auth.realm.view();
    ch.nonce = auth.nonce.view();
    ch.opaque = auth.opaque.view();
    ch.has_opaque = auth.has_opaque;
    ch.qop_auth = auth.qop_auth;
    ch.md5_sess = auth.md5_sess;
    char cnonce[16];
    Writer cw(cnonce, sizeof cnonce);
    cw.put_hex(m_random.next_u32(), 8).put_hex(m_random.next_u32(), 8);
    DigestInput in;
    in.username = m_config.auth_user.empty() ? m_config.user : m_config.auth_user;
    in.password = m_config.password;
    in.method = method_name(method);
    in.uri = uri;
    in.cnonce = cw.view();
    in.nc = ++auth.nc; // RFC 2617 §3.2.2: nc counts our uses of this nonce
    w.put(auth.proxy ? Str("Proxy-Authorization: ") : Str("Authorization: "));
    write_authorization(w, ch, in);
    w.put("\r\n");
    return true;
}

void SipUserAgent::respond(Transaction& tx, const Message& req, uint16_t status, Str to_tag, Str extra, Str body)
{
    auto buf = m_tx.scratch();
    Writer w(buf);
    write_response_head(w, req, status, {}, to_tag, &tx.peer);
    w.header("Server", m_config.user_agent);
    w.put(extra);
    auto len = finish_message(w, "application/sdp", body);
    if (len)
        m_tx.respond(tx, buf.first(*len), status);
}

void SipUserAgent::stateless_tag(const Message& req, FixedString<32>& out)
{
    char buf[16];
    Writer w(buf, sizeof buf);
    w.put_hex(fnv1a(req.call_id), 8).put_hex(fnv1a(req.from, fnv1a(req.call_id)), 8);
    out.assign(w.view());
}

void SipUserAgent::respond_stateless(const Message& req, const Endpoint& to, uint16_t status, Str reason, Str extra)
{
    auto buf = m_tx.scratch();
    Writer w(buf);
    FixedString<32> tag;
    stateless_tag(req, tag);
    write_response_head(w, req, status, reason, tag.view(), &to);
    w.header("Server", m_config.user_agent);
    w.put(extra);
    auto len = finish_message(w, "", "");
    if (len)
        m_transport.send(to, buf.first(*len));
}

void SipUserAgent::reject_malformed(std::span<const uint8_t> datagram, const Endpoint& source, ErrorInfo why)
{
    Message salvage;
    if (!salvage_for_reply(datagram, salvage))
        return;
    respond_stateless(salvage, source, why.code == Error::Unsupported ? 505 : 400, cstr(why.text()));
}

void SipUserAgent::receive_oversized(std::span<const uint8_t> head, const Endpoint& source)
{
    if (m_guard.admit(source, m_clock.now_ns()) != SourceGuard::Admit::Ok)
        return;
    m_guard.counters().oversized++;
    Message salvage;
    // §18.2.2: the Via says where the answer goes; a response or an ACK gets none.
    if (salvage_for_reply(head, salvage))
        respond_stateless(salvage, source, 513);
}

void SipUserAgent::receive(std::span<const uint8_t> datagram, const Endpoint& source)
{
    Nanoseconds now = m_clock.now_ns();
    if (m_guard.admit(source, now) != SourceGuard::Admit::Ok || only_crlf(datagram))
        return; // dropped, or a CRLF keep-alive
    Message m;
    auto parsed = parse_message(datagram, Framing::Datagram, m);
    if (parsed.is_error()) {
        // A datagram is the whole message: "need more" means truncated, hence malformed.
        m_guard.counters().malformed++;
        m_guard.strike(source, now);
        reject_malformed(datagram, source, parsed.error_info());
        return;
    }
    if (auto valid = validate_message(m); valid.is_error()) {
        m_guard.counters().malformed++;
        m_guard.strike(source, now);
        // RFC 4475 §3.3.1: answer whenever the Via and CSeq say where and to what. An unknown
        // method is not implemented whatever else is wrong (RFC 4475 §3.1.2.18 prefers 501).
        if (!m.is_request || m.method == Method::Ack || m.top_via.empty() || m.cseq_method_text.empty())
            return;
        if (m.method == Method::Unknown)
            respond_stateless(m, source, 501, {}, kAllowHeader);
        else
            respond_stateless(m, source, 400, cstr(valid.error_info().text()));
        return;
    }
    if (m.is_request) {
        handle_request(m, source);
        return;
    }
    bool deliver = false;
    Transaction* tx = m_tx.on_response(m, deliver);
    if (!tx || deliver)
        handle_response(m, tx);
}

void SipUserAgent::handle_request(const Message& m, const Endpoint& source)
{
    auto to = parse_name_addr(m.to);
    if (!to) {
        if (m.method != Method::Ack)
            respond_stateless(m, source, 400, "Bad To");
        return;
    }
    bool untrusted_invite = m.method == Method::Invite && to->tag().empty() && !m_guard.is_trusted(source)
        && !m_config.accept_any_caller;
    // §8.2: authorization (the 403 below) comes before the method and header checks.
    if (m.method != Method::Ack && m.method != Method::Cancel && !untrusted_invite) {
        char extra[256];
        Writer ew(extra, sizeof extra);
        if (uint16_t refused = screen(m, ew)) {
            respond_stateless(m, source, refused, {}, ew.ok() ? ew.view() : Str {});
            return;
        }
    }
    // Out-of-dialog requests answered at once (OPTIONS, rejections) are answered statelessly
    // (§8.2.7), so qualify pings and scanners cannot exhaust the small transaction pool.
    if (to->tag().empty() && m.method != Method::Ack && m.method != Method::Cancel
        && (m.method != Method::Invite || untrusted_invite)) {
        stateless_out_of_dialog(m, source);
        return;
    }
    if (m.method == Method::Ack || !to->tag().empty()) {
        // A dialog's requests come from its peer: the flow its INVITE came in on or went out
        // to, the hop its in-dialog requests go to, or a configured trusted source. Knowing
        // the Call-ID and tags is not enough (they travel in the clear through proxies).
        Call* c = find_call(m, true);
        if (c && !from_dialog_peer(*c, source)) {
            refuse_foreign(m, source);
            return;
        }
    } else if (m.method == Method::Invite && !invite_names_us(m)) {
        // §8.2.2.1: a Request-URI naming a user this phone is not (an extension scanner's
        // guess, or a PBX routing error) is not rung: 404 (§21.4.5).
        m_guard.counters().rejected_user++;
        respond_stateless(m, source, 404);
        return;
    }
    Transaction* tx = nullptr;
    switch (m_tx.on_request(m, source, tx)) {
    case TransactionLayer::Verdict::Absorbed:
        return;
    case TransactionLayer::Verdict::PoolFull:
        if (m.method != Method::Ack)
            respond_stateless(m, source, 503, "Busy, try later");
        return;
    case TransactionLayer::Verdict::New:
        break;
    }
    if (m.method == Method::Ack || !to->tag().empty()) {
        in_dialog_request(m, tx, source);
        return;
    }
    if (tx && m.method == Method::Invite && m_tx.merged(m, *tx)) {
        // §8.2.2.2: the same INVITE along a second path (another branch) is not a second call.
        FixedString<32> tag;
        new_tag(tag);
        respond(*tx, m, 482, tag.view());
        return;
    }
    if (tx)
        handle_out_of_dialog(m, *tx, source);
}

bool SipUserAgent::from_dialog_peer(const Call& c, const Endpoint& source) const
{
    if (source == c.origin || source == c.peer || m_guard.is_trusted(source))
        return true;
    // Without a Record-Route the peer's own UA sends its in-dialog requests straight from its
    // Contact (§12.2.1.1: the remote target), past the proxy the INVITE came through.
    auto target = parse_uri(c.dialog.remote_target.view());
    Ipv4Address address;
    return target && target->ipv4(address) && address == source.address
        && (target->port ? target->port : uint16_t(5060)) == source.port;
}

void SipUserAgent::refuse_foreign(const Message& m, const Endpoint& source)
{
    m_guard.counters().rejected_foreign++;
    m_guard.strike(source, m_clock.now_ns());
    if (m.method != Method::Ack)
        respond_stateless(m, source, 403, "Not the dialog's peer");
}

bool SipUserAgent::invite_names_us(const Message& m) const
{
    // The user part as our Contact and AOR carry it (RFC 3261 §19.1.4: compared
    // case-sensitively), or none at all (a direct call to this host, sip:192.0.2.10).
    auto ruri = parse_uri(m.request_uri);
    return ruri && (ruri->user.empty() || unescaped_equals(ruri->user, m_config.user));
}

void SipUserAgent::stateless_out_of_dialog(const Message& m, const Endpoint& source)
{
    // screen() has answered 416, 405 and 501 already.
    switch (m.method) {
    case Method::Invite:
        // Only the PBX may ring us (Asterisk `identify` style); scanners get 403 and strikes.
        m_guard.counters().rejected_untrusted++;
        m_guard.strike(source, m_clock.now_ns());
        respond_stateless(m, source, 403);
        return;
    case Method::Options:
        // Qualify: answered at all times, even mid-call (Asterisk marks us unreachable otherwise).
        respond_stateless(m, source, 200, {}, kOptionsHeaders);
        return;
    case Method::Notify:
    case Method::Message:
        respond_stateless(m, source, 200); // unsolicited MWI and the like: accepted, ignored
        return;
    case Method::Bye:
    case Method::Info:
    case Method::Update:
    case Method::Prack:
        respond_stateless(m, source, 481);
        return;
    default:
        respond_stateless(m, source, m.method == Method::Unknown ? 501 : 405, {}, kAllowHeader);
        return;
    }
}

void SipUserAgent::handle_out_of_dialog(const Message& m, Transaction& tx, const Endpoint& source)
{
    if (m.method == Method::Invite) {
        incoming_invite(m, tx, source);
        return;
    }
    // CANCEL (§9.2): find the INVITE it targets.
    FixedString<32> tag;
    stateless_tag(m, tag);
    Transaction* invite = m_tx.find_invite_for_cancel(m);
    if (!invite) {
        respond(tx, m, 481, tag.view());
        return;
    }
    // §9.2: a CANCEL goes hop by hop, so it comes from where its INVITE came from.
    if (!(invite->peer == source) && !m_guard.is_trusted(source)) {
        m_guard.counters().rejected_foreign++;
        m_guard.strike(source, m_clock.now_ns());
        respond(tx, m, 403, tag.view());
        return;
    }
    respond(tx, m, 200, tag.view());
    for (auto& c : m_calls) {
        if (c.state == CallState::Incoming && !c.outgoing && c.invite_tx == tx_index(invite)) {
            m_tx.respond_from_provisional(*invite, 487, {}, {}, {});
            end_call(c, EndReason::Cancelled, 487);
        }
    }
}

void SipUserAgent::handle_response(const Message& m, Transaction* tx)
{
    if (!tx) {
        // A 2xx retransmission after our INVITE transaction ended: re-ACK (§13.2.2.4).
        if (m.cseq_method == Method::Invite && m.status >= 200 && m.status < 300) {
            for (auto& c : m_calls)
                if (c.state == CallState::Active && c.dialog.call_id.view() == m.call_id && c.invite_cseq == m.cseq
                    && !c.ack_branch.empty())
                    send_ack_2xx(c);
        }
        return;
    }
    Purpose purpose = Purpose(tx->purpose);
    if (purpose == Purpose::Register) {
        registration_response(m);
        return;
    }
    if (tx->slot >= kMaxCalls)
        return;
    Call& c = m_calls[tx->slot];
    if (purpose == Purpose::Invite || purpose == Purpose::ReInvite)
        invite_response(c, m, *tx);
    else
        dialog_response(c, m, *tx);
}

void SipUserAgent::on_transaction_timeout(Transaction& tx)
{
    Purpose purpose = Purpose(tx.purpose);
    if (purpose == Purpose::Register) {
        registration_failed(408, "Registrar did not answer");
        return;
    }
    if (!tx.is_client() || tx.slot >= kMaxCalls)
        return;
    Call& c = m_calls[tx.slot];
    switch (purpose) {
    case Purpose::Invite:
        if (c.state == CallState::Calling || c.state == CallState::Ringing || c.state == CallState::Cancelling)
            end_call(c, c.state == CallState::Cancelling ? EndReason::Cancelled : EndReason::Timeout, 408);
        break;
    case Purpose::ReInvite:
        if (c.reinvite_pending)
            c.holding = !c.holding; // the hold/resume never happened
        c.reinvite_pending = false;
        break;
    case Purpose::Bye:
        // A lossy path must not leave the far end in the call: retry the BYE a few times as
        // a new transaction before giving up on the dialog.
        if (c.state == CallState::Ending && ++c.bye_attempts < 3 && send_in_dialog(c, Method::Bye))
            break;
        if (c.state == CallState::Ending)
            c.state = CallState::Idle;
        break;
    default:
        break;
    }
}

void SipUserAgent::poll()
{
    m_tx.poll(*this);
    Nanoseconds now = m_clock.now_ns();
    registration_timers(now);
    for (auto& c : m_calls)
        call_timers(c, now);
}

Nanoseconds SipUserAgent::next_wakeup() const
{
    Nanoseconds next = m_tx.next_deadline();
    auto consider = [&](Nanoseconds t) {
        if (t && (!next || t < next))
            next = t;
    };
    consider(m_reg.next_at);
    consider(m_reg.keepalive_at);
    for (auto& c : m_calls) {
        consider(c.retransmit_at);
        consider(c.give_up_at);
        consider(c.ring_until);
        consider(c.glare_retry_at);
    }
    return next;
}

const MediaSession* SipUserAgent::media(CallId call) const
{
    return call < kMaxCalls && m_calls[call].has_media ? &m_calls[call].media : nullptr;
}

} // namespace oh::sip
