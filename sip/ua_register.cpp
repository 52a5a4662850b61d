// Registration (RFC 3261 §10): REGISTER with digest auth, refresh, 423, NAT contact, back-off.
#include "sip/user_agent.h"

#include "sip/builder.h"
#include "sip/headers.h"
#include "sip/uri.h"

namespace oh::sip {

namespace {

constexpr Nanoseconds kRetryBase = 30 * kNsPerSec;
constexpr Nanoseconds kRetryMax = 30 * 60 * kNsPerSec;

// Refresh at three quarters of the granted time, so a lost refresh has room for retries.
Nanoseconds refresh_delay(uint32_t granted)
{
    uint64_t s = uint64_t(granted) * 3 / 4;
    return (s < 5 ? 5 : s) * kNsPerSec;
}

// Does this Contact element name our binding?
bool is_our_contact(const NameAddr& na, const Endpoint& contact)
{
    Ipv4Address addr;
    return na.uri.ipv4(addr) && addr == contact.address && (na.uri.port ? na.uri.port : 5060) == contact.port;
}

} // namespace

Result<void> SipUserAgent::start_register()
{
    if (m_config.user.empty() || m_config.domain.empty())
        return Result<void>(Error::InvalidArgument, "No account configured");
    if (m_reg.call_id.empty()) {
        // One Call-ID for all REGISTERs of this binding (RFC 3261 §10.2.4 refreshes reuse it).
        char buf[64];
        Writer w(buf, sizeof buf);
        w.put_hex(m_random.next_u32(), 8).put_hex(m_random.next_u32(), 8).put('@').put_ipv4(m_config.local.address.value);
        m_reg.call_id.assign(w.view());
        FixedString<32> tag;
        new_tag(tag);
        m_reg.from_tag.assign(tag.view());
    }
    m_reg.unregistering = false;
    m_reg.expires = m_config.expires;
    m_reg.interval_retries = 0;
    m_reg.auth.fresh_tries = 0;
    if (m_reg.state != RegState::Registered)
        m_reg.state = RegState::Registering;
    if (!send_register())
        return Result<void>(Error::NoMemory, "REGISTER not sent");
    return {};
}

Result<void> SipUserAgent::unregister()
{
    if (m_reg.state != RegState::Registered) {
        m_reg.state = RegState::Unregistered;
        m_reg.next_at = m_reg.keepalive_at = 0;
        return {};
    }
    m_reg.unregistering = true;
    m_reg.auth.fresh_tries = 0;
    if (!send_register())
        return Result<void>(Error::NoMemory, "REGISTER not sent");
    return {};
}

bool SipUserAgent::send_register()
{
    // The Request-URI is the domain alone, no user part (RFC 3261 §10.2).
    char ruri[96];
    Writer u(ruri, sizeof ruri);
    u.put("sip:").put(m_config.domain);
    char branch[24];
    new_branch(branch);
    char via[32];
    uint32_t expires = m_reg.unregistering ? 0 : m_reg.expires;
    auto buf = m_tx.scratch();
    Writer w(buf);
    write_request_line(w, Method::Register, u.view());
    w.put("Via: SIP/2.0/UDP ").put(sent_by(via)).put(";branch=").put(Str(branch, 23)).put(";rport\r\n");
    w.put("Max-Forwards: 70\r\n");
    w.put("From: <sip:").put(m_config.user).put('@').put(m_config.domain).put(">;tag=").put(m_reg.from_tag.view());
    w.put("\r\nTo: <sip:").put(m_config.user).put('@').put(m_config.domain).put(">\r\n");
    w.header("Call-ID", m_reg.call_id.view());
    w.put("CSeq: ").put_uint(++m_reg.cseq).put(" REGISTER\r\n");
    write_contact(w);
    if (m_reg.remove_stale) {
        w.put("Contact: <sip:").put(m_config.user).put('@').put_ipv4(m_reg.stale_contact.address.value);
        w.put(':').put_uint(m_reg.stale_contact.port).put(">;expires=0\r\n");
    }
    w.put("Expires: ").put_uint(expires).put("\r\n");
    w.header("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, NOTIFY");
    w.header("User-Agent", m_config.user_agent);
    write_credentials(w, m_reg.auth, Method::Register, u.view());
    auto len = finish_message(w, "", "");
    if (!len || !u.ok()) {
        registration_failed(0, "REGISTER too large");
        return false;
    }
    auto tx = m_tx.start_client(buf.first(*len), Method::Register, m_reg.cseq, Str(branch, 23), m_config.server,
                                uint8_t(Purpose::Register), 0);
    if (!tx) {
        registration_failed(0, "No free transaction");
        return false;
    }
    return true;
}

void SipUserAgent::registration_response(const Message& m)
{
    if (m.status < 200)
        return;
    Nanoseconds now = m_clock.now_ns();
    if (m.status == 401 || m.status == 407) {
        if (take_challenge(m, m_reg.auth))
            send_register();
        else
            registration_failed(m.status, "Authentication rejected");
        return;
    }
    if (m.status == 423) {
        // Interval Too Brief: ask again with at least Min-Expires (§10.2.8), but not forever.
        const Header* h = m.find(HeaderId::MinExpires);
        auto min = h ? parse_uint(h->value, 86400) : std::nullopt;
        if (min && m_reg.interval_retries++ < 2) {
            m_reg.expires = *min > m_reg.expires ? *min : m_reg.expires;
            send_register();
        } else {
            registration_failed(423, "Interval too brief");
        }
        return;
    }
    if (m.status >= 300) {
        registration_failed(m.status, m.reason);
        return;
    }
    m_reg.auth.fresh_tries = 0;
    if (m_reg.unregistering) {
        m_reg.unregistering = false;
        m_reg.state = RegState::Unregistered;
        m_reg.next_at = m_reg.keepalive_at = 0;
        m_listener.on_registration(RegState::Unregistered, m.status, m.reason);
        return;
    }
    if (learn_public_contact(m)) {
        send_register(); // bind the address the registrar can actually reach
        return;
    }
    m_reg.remove_stale = false; // this 200 answered the REGISTER that removed it
    uint32_t granted = m_reg.expires;
    for (const Header* h = m.find(HeaderId::Contact); h; h = m.next(HeaderId::Contact, h)) {
        ListSplitter split(h->value);
        Str item;
        while (split.next(item)) {
            auto na = parse_name_addr(item);
            if (na && is_our_contact(*na, m_reg.contact))
                granted = contact_expires(m, *na, granted);
        }
    }
    m_reg.granted = granted ? granted : m_reg.expires;
    m_reg.failures = 0;
    m_reg.interval_retries = 0;
    m_reg.state = RegState::Registered;
    m_reg.next_at = now + refresh_delay(m_reg.granted);
    m_reg.bound_until = now + Nanoseconds(m_reg.granted) * kNsPerSec;
    m_reg.keepalive_at = m_config.keepalive_interval ? now + m_config.keepalive_interval : 0;
    m_listener.on_registration(RegState::Registered, m.status, m.reason);
}

// RFC 3581: the registrar tells us, in received/rport, the address our REGISTER came from
// (our NAT's public side). True when that differs from our Contact, which now changes.
bool SipUserAgent::learn_public_contact(const Message& m)
{
    const Via* via = m.via();
    if (!via || m_reg.contact_rewritten)
        return false;
    Endpoint seen = m_reg.contact;
    Ipv4Address received;
    if (parse_ipv4(via->received, received))
        seen.address = received;
    if (via->rport)
        seen.port = via->rport;
    if (seen == m_reg.contact)
        return false;
    // The registrar still holds the first binding (our private address) until it expires; left
    // there, a proxy forks our calls to both and the copy that comes second gets 486. The
    // REGISTER that binds the new address removes the old one (RFC 3261 §10.2.2: expires=0).
    m_reg.stale_contact = m_reg.contact;
    m_reg.remove_stale = true;
    m_reg.contact = seen;
    m_reg.contact_rewritten = true;
    return true;
}

void SipUserAgent::registration_failed(uint16_t status, Str reason)
{
    Nanoseconds now = m_clock.now_ns();
    if (m_reg.unregistering) {
        m_reg.unregistering = false;
        m_reg.state = RegState::Unregistered;
        m_reg.next_at = m_reg.keepalive_at = 0;
        m_listener.on_registration(RegState::Unregistered, status, reason);
        return;
    }
    // Exponential back-off with jitter: a broken account never becomes a REGISTER storm.
    if (m_reg.failures < 16)
        m_reg.failures++;
    Nanoseconds delay = kRetryBase << (m_reg.failures > 6 ? 6 : m_reg.failures - 1);
    if (delay > kRetryMax)
        delay = kRetryMax;
    delay += (delay / 4) * (m_random.next_u32() % 1000) / 1000;
    // A refresh lost to the network (timeout, 5xx) while the binding still holds: retry
    // within the remaining lifetime and stay registered; the phone keeps working meanwhile.
    bool transient = status == 408 || status >= 500 || status == 0;
    if (transient && m_reg.state == RegState::Registered && now < m_reg.bound_until) {
        Nanoseconds half = (m_reg.bound_until - now) / 2;
        if (half < 5 * kNsPerSec)
            half = 5 * kNsPerSec;
        m_reg.next_at = now + (delay < half ? delay : half);
        return;
    }
    m_reg.state = RegState::Failed;
    m_reg.next_at = now + delay;
    m_reg.keepalive_at = 0;
    m_listener.on_registration(RegState::Failed, status, reason);
}

void SipUserAgent::registration_timers(Nanoseconds now)
{
    if (m_reg.next_at && now >= m_reg.next_at) {
        m_reg.next_at = 0;
        m_reg.auth.fresh_tries = 0;
        m_reg.interval_retries = 0;
        if (m_reg.state == RegState::Failed)
            m_reg.state = RegState::Registering;
        send_register();
    }
    if (m_reg.state == RegState::Registered && m_reg.keepalive_at && now >= m_reg.keepalive_at) {
        // CRLF keep-alive (RFC 5626 §4.4.1 style) holds the NAT binding open between refreshes.
        static constexpr uint8_t kPing[] = { '\r', '\n', '\r', '\n' };
        m_transport.send(m_config.server, kPing);
        m_reg.keepalive_at = now + m_config.keepalive_interval;
    }
}

} // namespace oh::sip
