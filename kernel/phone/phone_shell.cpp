// Phone console commands: status, dial, answer, hangup, dtmf, mute, hold, stats, echo.
#include "kernel/console/console.h"
#include "kernel/console/shell.h"
#include "kernel/net/network.h"
#include "kernel/phone/phone_state.h"
#include "kernel/time/time.h"

namespace oh::kernel::phone {

namespace {

size_t length(const char* s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

const char* state_name(sip::CallState s)
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

bool have_ua()
{
    if (!shared().ua) {
        printk("phone: not started yet\n");
        return false;
    }
    return true;
}

void cmd_status(int, const char* const*)
{
    Shared& sh = shared();
    if (!have_ua())
        return;
    MutexGuard g(sh.ua_lock);
    const char* reg = sh.reg == sip::RegState::Registered ? "registered"
                    : sh.reg == sip::RegState::Registering ? "registering"
                    : sh.reg == sip::RegState::Failed ? "failed" : "unregistered";
    printk("status: registration %s (%u)", reg, sh.reg_status);
    if (sh.call != sip::kNoCall) {
        uint64_t secs = sh.call_answered_ns ? (monotonic_ns() - sh.call_answered_ns) / 1000000000 : 0;
        printk(", call %s with %s, %lu s%s%s\n", state_name(sh.ua->call_state(sh.call)), sh.peer, secs,
               sh.muted ? ", muted" : "", sh.held ? ", on hold" : "");
    } else {
        printk(", no call\n");
    }
}

void cmd_dial(int argc, const char* const* argv)
{
    Shared& sh = shared();
    if (argc < 2) {
        printk("usage: dial NUMBER|sip:user@host\n");
        return;
    }
    if (!have_ua())
        return;
    MutexGuard g(sh.ua_lock);
    auto r = sh.ua->dial(Str(argv[1], length(argv[1])));
    if (r.is_error()) {
        printk("dial: %s\n", r.error_info().text());
        return;
    }
    sh.call = r.value();
    sh.call_started_ns = monotonic_ns();
    sh.call_answered_ns = 0;
    size_t n = length(argv[1]);
    if (n >= sizeof sh.peer)
        n = sizeof sh.peer - 1;
    for (size_t i = 0; i < n; i++)
        sh.peer[i] = argv[1][i];
    sh.peer[n] = 0;
    printk("phone: dialing %s\n", argv[1]);
}

bool with_call(const char* what, Result<void> (sip::SipUserAgent::*fn)(sip::CallId))
{
    Shared& sh = shared();
    if (!have_ua())
        return false;
    MutexGuard g(sh.ua_lock);
    if (sh.call == sip::kNoCall) {
        printk("%s: no call\n", what);
        return false;
    }
    if (auto r = (sh.ua->*fn)(sh.call); r.is_error()) {
        printk("%s: %s\n", what, r.error_info().text());
        return false;
    }
    return true;
}

void cmd_answer(int, const char* const*) { with_call("answer", &sip::SipUserAgent::answer); }
void cmd_hangup(int, const char* const*) { with_call("hangup", &sip::SipUserAgent::hangup); }

void cmd_hold(int, const char* const*)
{
    Shared& sh = shared();
    bool held = sh.held;
    // Only a re-INVITE that went out changes the state (a refused one, e.g. while another
    // re-INVITE is pending, leaves it as it was).
    if (!with_call("hold", held ? &sip::SipUserAgent::resume : &sip::SipUserAgent::hold))
        return;
    sh.held = !held;
    printk("phone: %s\n", sh.held ? "holding" : "resumed");
}

void cmd_dtmf(int argc, const char* const* argv)
{
    if (argc < 2) {
        printk("usage: dtmf DIGITS\n");
        return;
    }
    for (const char* p = argv[1]; *p; p++) {
        MediaCommand c { MediaCommand::Kind::Dtmf };
        c.digit = *p;
        post(c);
    }
    printk("phone: sending dtmf %s\n", argv[1]);
}

void cmd_mute(int, const char* const*)
{
    Shared& sh = shared();
    sh.muted = !sh.muted;
    MediaCommand c { MediaCommand::Kind::Mute };
    c.flag = sh.muted;
    post(c);
    printk("phone: microphone %s\n", sh.muted ? "muted" : "on");
}

void cmd_echo(int argc, const char* const* argv)
{
    Shared& sh = shared();
    sh.options.echo = argc > 1 ? argv[1][0] == 'o' && argv[1][1] == 'n' : !sh.options.echo;
    printk("phone: echo mode %s (from the next call)\n", sh.options.echo ? "on" : "off");
}

void cmd_stats(int, const char* const*)
{
    Shared& sh = shared();
    media::MediaStats m;
    AudioCounters a;
    {
        SpinLockIrqGuard g(sh.stats_lock);
        m = sh.media_stats;
        a = sh.audio;
    }
    printk("stats: rtp_sent=%u rtp_received=%u lost=%d jitter_ms=%u late=%u concealed=%u jb_underruns=%u "
           "rtcp_sent=%u rtcp_received=%u rtt_ms=%u dtmf_sent=%u dtmf_received=%u "
           "dropped_wrong_source=%u dropped_bad_header=%u audio_frames=%lu audio_underruns=%lu "
           "jb_depth_ms=%u jb_target_ms=%u audio_queued_frames=%u audio_played_frames=%lu capture_underruns=%u "
           "capture_discarded=%u capture_depth=%u capture_max_depth=%u at_us=%lu\n",
           m.packets_sent, m.packets_received, m.lost, m.jitter_ms, m.playout.late, m.playout.frames_lost,
           m.playout.underruns, m.rtcp_sent, m.rtcp_received, m.rtt_ms, m.dtmf_sent, m.dtmf_received,
           m.dropped_wrong_source, m.dropped_bad_header, a.frames, a.underruns, m.playout.depth_ms,
           m.playout.target_ms, a.queued_frames, a.played_frames, a.capture_underruns, a.capture_discarded,
           a.capture_depth, a.capture_max_depth, monotonic_ns() / 1000);
    uint32_t wrong_peer;
    uint16_t port;
    {
        MutexGuard g(network_lock());
        wrong_peer = network_stack().counters().get(net::Counter::DropUdpWrongPeer);
        port = sh.rtp_port;
    }
    // Media from anyone but the call's peer: refused by the connected socket, caught at the
    // ring, or refused by the session (RFC 3550 §8.2 / §A.1).
    printk("stats: media rtp_port=%u rejected_socket=%u rejected_ring=%u rejected_session=%u "
           "held_in_probation=%u source_latches=%u rtcp_wrong_source=%u ring_overflow=%u\n",
           port, wrong_peer, sh.rx_wrong_source, m.dropped_wrong_source, m.held_in_probation, m.source_latches,
           m.rtcp_wrong_source, sh.rx_overflow);
    if (sh.ua) {
        MutexGuard g(sh.ua_lock);
        const sip::GuardCounters& gc = sh.ua->counters();
        printk("stats: sip admitted=%u rate_limited=%u banned_drops=%u bans=%u untrusted_403=%u malformed=%u\n",
               gc.admitted, gc.rate_limited, gc.dropped_banned, gc.bans, gc.rejected_untrusted, gc.malformed);
    }
}

} // namespace

void register_shell_commands()
{
    shell_register("status", "registration and call state", cmd_status);
    shell_register("dial", "dial NUMBER|URI", cmd_dial);
    shell_register("answer", "answer the ringing call", cmd_answer);
    shell_register("hangup", "end or reject the call", cmd_hangup);
    shell_register("dtmf", "dtmf DIGITS (RFC 4733)", cmd_dtmf);
    shell_register("mute", "toggle the microphone", cmd_mute);
    shell_register("hold", "toggle hold (re-INVITE)", cmd_hold);
    shell_register("stats", "RTP/RTCP, jitter buffer and audio counters", cmd_stats);
    shell_register("echo", "echo [on|off]: loop received audio back", cmd_echo);
}

} // namespace oh::kernel::phone
