// Call control, the same on both targets: the user agent's events turned into the phone's
// state and console lines, the console's phone commands (status, dial, answer, hangup,
// hold, dtmf, mute, echo), and the timers the settings ask for (sip.dial once registered,
// sip.hangup after an answer). The target supplies the media path (PhoneTarget) and runs
// everything here on one thread at a time (x86: under the phone's user-agent lock; ARM: in
// the network thread).
#pragma once

#include <stdint.h>

#include "lib/clock.h"
#include "sip/phone/output.h"
#include "sip/phone/settings.h"
#include "sip/user_agent.h"

namespace oh::phone {

// The target's media path. Called from inside user-agent events: queue or defer the work,
// do not call back into the user agent.
class PhoneTarget {
public:
    virtual void media_start(const media::MediaConfig& config) = 0;
    virtual void media_stop() = 0;
    virtual void media_hold(bool held) = 0;
    virtual void media_mute(bool muted) = 0;
    virtual void media_dtmf(char digit) = 0;
    // The first registration (x86 prints its time since kernel entry).
    virtual void registered() { }

protected:
    ~PhoneTarget() = default;
};

class PhoneCalls final : public sip::SipListener {
public:
    PhoneCalls(const PhoneSettings& settings, const Clock& clock, PhoneOutput& out, PhoneTarget& target)
        : m_settings(settings), m_clock(clock), m_out(out), m_target(target), m_echo(settings.echo)
    {
    }

    // The user agent, once the server's address is known.
    void attach(sip::SipUserAgent* ua) { m_ua = ua; }
    bool started() const { return m_ua != nullptr; }
    // RTCP's CNAME for the calls (RFC 3550 §6.5.1: user@host); the text must outlive them.
    void set_cname(Str cname) { m_cname = cname; }

    // A console line split into words. False when argv[0] is not a phone command.
    bool command(int argc, const char* const* argv);
    static constexpr const char* kCommands[][2] = {
        { "status", "registration and call state" },
        { "dial", "dial NUMBER|URI" },
        { "answer", "answer the ringing call" },
        { "hangup", "end or reject the call" },
        { "dtmf", "dtmf DIGITS (RFC 4733)" },
        { "mute", "toggle the microphone" },
        { "hold", "toggle hold (re-INVITE)" },
        { "echo", "echo [on|off]: loop received audio back" },
    };

    // sip.dial once registered, sip.hangup after an answer; next_deadline() says when next.
    void poll();
    Nanoseconds next_deadline() const; // ~0: nothing timed

    // True once after a call negotiated media on the current RTP pair: the target draws a
    // fresh pair for the next call when every dialog has ended.
    bool take_media_used()
    {
        bool used = m_media_used;
        m_media_used = false;
        return used;
    }

    sip::RegState reg_state() const { return m_reg; }
    uint16_t reg_status() const { return m_reg_status; }
    sip::CallId call() const { return m_call; }
    sip::CallState call_state() const;
    const char* peer() const { return m_peer; }
    Nanoseconds answered_at() const { return m_answered_at; }
    bool muted() const { return m_muted; }
    bool held() const { return m_held; }

    // sip::SipListener.
    void on_registration(sip::RegState state, uint16_t status, Str reason) override;
    void on_incoming_call(sip::CallId call, Str from_display, Str from_uri) override;
    void on_call_progress(sip::CallId call, uint16_t status) override;
    void on_call_answered(sip::CallId call) override;
    void on_call_ended(sip::CallId call, sip::EndReason reason, uint16_t status) override;
    void on_media(sip::CallId call, const sip::MediaSession& media) override;
    void on_dtmf(sip::CallId call, char digit, uint16_t duration_ms) override;

private:
    bool have_ua();
    void dial(Str target);
    bool with_call(const char* what, Result<void> (sip::SipUserAgent::*fn)(sip::CallId));
    void status();

    const PhoneSettings& m_settings;
    const Clock& m_clock;
    PhoneOutput& m_out;
    PhoneTarget& m_target;
    sip::SipUserAgent* m_ua { nullptr };
    Str m_cname { "offhook" };
    sip::RegState m_reg { sip::RegState::Unregistered };
    uint16_t m_reg_status { 0 };
    bool m_ever_registered { false };
    sip::CallId m_call { sip::kNoCall };
    char m_peer[96] {};
    Nanoseconds m_started_at { 0 };
    Nanoseconds m_answered_at { 0 };
    Nanoseconds m_hangup_at { 0 };
    bool m_muted { false };
    bool m_held { false };
    bool m_echo;
    bool m_dialed_at_start { false };
    bool m_media_used { false };
};

const char* reg_state_name(sip::RegState s);
const char* call_state_name(sip::CallState s);
const char* end_reason_name(sip::EndReason r);

} // namespace oh::phone
