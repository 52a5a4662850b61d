// Call control shared by both targets (see calls.h). The console lines are the phone's
// interface to its users and to the e2e tests: keep their wording stable.
#include "sip/phone/calls.h"

namespace oh::phone {

namespace {

size_t length(const char* s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

void copy_peer(char (&dst)[96], Str s)
{
    size_t n = s.size() < sizeof dst - 1 ? s.size() : sizeof dst - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = s[i];
    dst[n] = 0;
}

bool is(const char* a, const char* b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

} // namespace

const char* reg_state_name(sip::RegState s)
{
    switch (s) {
    case sip::RegState::Unregistered: return "unregistered";
    case sip::RegState::Registering: return "registering";
    case sip::RegState::Registered: return "registered";
    case sip::RegState::Failed: return "failed";
    }
    return "?";
}

const char* call_state_name(sip::CallState s)
{
    switch (s) {
    case sip::CallState::Idle: return "idle";
    case sip::CallState::Calling: return "calling";
    case sip::CallState::Ringing: return "ringing";
    case sip::CallState::Cancelling: return "cancelling";
    case sip::CallState::Incoming: return "incoming";
    case sip::CallState::Answering: return "answering";
    case sip::CallState::Active: return "active";
    case sip::CallState::Ending: return "ending";
    }
    return "?";
}

const char* end_reason_name(sip::EndReason r)
{
    switch (r) {
    case sip::EndReason::LocalHangup: return "local hangup";
    case sip::EndReason::RemoteHangup: return "remote hangup";
    case sip::EndReason::Rejected: return "rejected";
    case sip::EndReason::Busy: return "busy";
    case sip::EndReason::Cancelled: return "cancelled";
    case sip::EndReason::Timeout: return "timeout";
    case sip::EndReason::NotAcceptable: return "not acceptable";
    case sip::EndReason::Error: return "error";
    }
    return "?";
}

sip::CallState PhoneCalls::call_state() const
{
    return m_ua && m_call != sip::kNoCall ? m_ua->call_state(m_call) : sip::CallState::Idle;
}

// ---- Events from the user agent ----

void PhoneCalls::on_registration(sip::RegState state, uint16_t status, Str reason)
{
    bool was = m_reg == sip::RegState::Registered;
    m_reg = state;
    m_reg_status = status;
    if (state == sip::RegState::Registered && !was && !m_ever_registered) {
        m_ever_registered = true;
        m_target.registered();
    }
    if (state == sip::RegState::Failed)
        m_out.print("phone: registration failed: %u %.*s (will retry with back-off)\n", status, int(reason.size()),
            reason.data());
    else
        m_out.print("phone: %s (%u)\n", reg_state_name(state), status);
    m_out.emit("registration %s, status %u", reg_state_name(state), status);
}

void PhoneCalls::on_incoming_call(sip::CallId call, Str display, Str uri)
{
    m_call = call;
    m_started_at = m_clock.now_ns();
    m_answered_at = 0;
    copy_peer(m_peer, uri);
    m_out.print("phone: incoming call from %.*s <%.*s>\n", int(display.size()), display.data(), int(uri.size()),
        uri.data());
    m_out.emit("ringing %.*s", int(uri.size()), uri.data());
}

void PhoneCalls::on_call_progress(sip::CallId, uint16_t status) { m_out.print("phone: call progress %u\n", status); }

void PhoneCalls::on_call_answered(sip::CallId)
{
    m_answered_at = m_clock.now_ns();
    if (!m_answered_at)
        m_answered_at = 1; // 0 means "not answered"
    m_out.print("phone: call answered (set-up %lu ms)\n", (unsigned long)((m_answered_at - m_started_at) / kNsPerMs));
    m_out.emit("answered");
    if (m_settings.hangup_after_s)
        m_hangup_at = m_answered_at + Nanoseconds(m_settings.hangup_after_s) * kNsPerSec;
}

void PhoneCalls::on_call_ended(sip::CallId call, sip::EndReason reason, uint16_t status)
{
    Nanoseconds talk = m_answered_at ? m_clock.now_ns() - m_answered_at : 0;
    m_out.print("phone: call ended (%s, %u) after %lu ms\n", end_reason_name(reason), status,
        (unsigned long)(talk / kNsPerMs));
    m_out.emit("ended %s, status %u", end_reason_name(reason), status);
    if (m_call == call) {
        m_call = sip::kNoCall;
        m_answered_at = 0;
    }
    m_held = false;
    m_hangup_at = 0;
    m_target.media_stop();
}

void PhoneCalls::on_media(sip::CallId, const sip::MediaSession& m)
{
    media::MediaConfig c {};
    c.law = m.codec == sip::Codec::Pcma ? media::G711Law::Alaw : media::G711Law::Ulaw;
    c.payload_type = m.pt;
    c.telephone_event_pt = m.te_pt == sip::kNoPayloadType ? int16_t(-1) : int16_t(m.te_pt);
    c.remote_rtp = m.remote;
    c.remote_rtcp = m.remote_rtcp;
    c.peer_mode = m_settings.peer_mode;
    c.cname = m_cname;
    c.echo = m_echo ? media::EchoMode::Loopback : media::EchoMode::Off;
    // RFC 3264 §8.4: a peer that puts us on hold offers inactive/recvonly or (RFC 2543) an
    // address of 0.0.0.0.
    bool hold = m.remote.address.is_unspecified() || m.direction == sip::Direction::Inactive
        || m.direction == sip::Direction::RecvOnly;
    m_out.print("phone: media %s pt %u te %d to %u.%u.%u.%u:%u %s\n", m.codec == sip::Codec::Pcma ? "PCMA" : "PCMU",
        m.pt, c.telephone_event_pt, m.remote.address.octet(0), m.remote.address.octet(1), m.remote.address.octet(2),
        m.remote.address.octet(3), m.remote.port, hold ? "(on hold)" : "");
    m_media_used = true;
    m_target.media_start(c);
    m_target.media_hold(hold);
}

void PhoneCalls::on_dtmf(sip::CallId, char digit, uint16_t duration_ms)
{
    m_out.print("phone: dtmf received %c (SIP INFO, %u ms)\n", digit, duration_ms);
}

// ---- Timers ----

void PhoneCalls::poll()
{
    if (!m_ua)
        return;
    if (!m_dialed_at_start && !m_settings.dial.empty() && m_reg == sip::RegState::Registered) {
        m_dialed_at_start = true;
        dial(m_settings.dial);
    }
    if (m_hangup_at && m_clock.now_ns() >= m_hangup_at) {
        m_hangup_at = 0;
        if (m_call != sip::kNoCall && m_ua->call_state(m_call) == sip::CallState::Active) {
            if (auto r = m_ua->hangup(m_call); r.is_error())
                m_out.print("hangup: %s\n", r.error_info().text());
        }
    }
}

Nanoseconds PhoneCalls::next_deadline() const { return m_hangup_at ? m_hangup_at : ~Nanoseconds(0); }

// ---- Commands ----

bool PhoneCalls::have_ua()
{
    if (!m_ua) {
        m_out.print("phone: not started yet\n");
        return false;
    }
    return true;
}

void PhoneCalls::status()
{
    m_out.print("status: registration %s (%u)", reg_state_name(m_reg), m_reg_status);
    if (m_call != sip::kNoCall) {
        Nanoseconds secs = m_answered_at ? (m_clock.now_ns() - m_answered_at) / kNsPerSec : 0;
        m_out.print(", call %s with %s, %lu s%s%s\n", call_state_name(call_state()), m_peer, (unsigned long)secs,
            m_muted ? ", muted" : "", m_held ? ", on hold" : "");
    } else {
        m_out.print(", no call\n");
    }
}

void PhoneCalls::dial(Str target)
{
    auto r = m_ua->dial(target);
    if (r.is_error()) {
        m_out.print("dial: %s\n", r.error_info().text());
        return;
    }
    m_call = r.value();
    m_started_at = m_clock.now_ns();
    m_answered_at = 0;
    copy_peer(m_peer, target);
    m_out.print("phone: dialing %.*s\n", int(target.size()), target.data());
}

bool PhoneCalls::with_call(const char* what, Result<void> (sip::SipUserAgent::*fn)(sip::CallId))
{
    if (!have_ua())
        return false;
    if (m_call == sip::kNoCall) {
        m_out.print("%s: no call\n", what);
        return false;
    }
    if (auto r = (m_ua->*fn)(m_call); r.is_error()) {
        m_out.print("%s: %s\n", what, r.error_info().text());
        return false;
    }
    return true;
}

bool PhoneCalls::command(int argc, const char* const* argv)
{
    if (argc < 1)
        return false;
    const char* cmd = argv[0];
    if (is(cmd, "status")) {
        if (have_ua())
            status();
    } else if (is(cmd, "dial")) {
        if (argc < 2)
            m_out.print("usage: dial NUMBER|sip:user@host\n");
        else if (have_ua())
            dial(Str(argv[1], length(argv[1])));
    } else if (is(cmd, "answer")) {
        with_call("answer", &sip::SipUserAgent::answer);
    } else if (is(cmd, "hangup")) {
        with_call("hangup", &sip::SipUserAgent::hangup);
    } else if (is(cmd, "hold")) {
        // Only a re-INVITE that went out changes the state (a refused one, e.g. while another
        // re-INVITE is pending, leaves it as it was).
        bool held = m_held;
        if (with_call("hold", held ? &sip::SipUserAgent::resume : &sip::SipUserAgent::hold)) {
            m_held = !held;
            m_out.print("phone: %s\n", m_held ? "holding" : "resumed");
        }
    } else if (is(cmd, "dtmf")) {
        if (argc < 2) {
            m_out.print("usage: dtmf DIGITS\n");
        } else {
            for (const char* p = argv[1]; *p; p++)
                m_target.media_dtmf(*p);
            m_out.print("phone: sending dtmf %s\n", argv[1]);
        }
    } else if (is(cmd, "mute")) {
        m_muted = !m_muted;
        m_target.media_mute(m_muted);
        m_out.print("phone: microphone %s\n", m_muted ? "muted" : "on");
    } else if (is(cmd, "echo")) {
        m_echo = argc > 1 ? is(argv[1], "on") : !m_echo;
        m_out.print("phone: echo mode %s (from the next call)\n", m_echo ? "on" : "off");
    } else {
        return false;
    }
    return true;
}

} // namespace oh::phone
