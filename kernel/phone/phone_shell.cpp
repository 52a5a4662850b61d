// Phone console commands: the core's (status, dial, answer, hangup, dtmf, mute, hold, echo) and
// the x86 phone's counters (stats).
#include "kernel/console/console.h"
#include "kernel/console/shell.h"
#include "kernel/net/network.h"
#include "kernel/phone/phone_state.h"
#include "kernel/time/time.h"

namespace oh::kernel::phone {

namespace {

// The phone commands themselves are the core's (sip/phone/calls.h), run under the user
// agent's lock like its events.
void cmd_phone(int argc, const char* const* argv)
{
    Shared& sh = shared();
    MutexGuard g(sh.ua_lock);
    sh.calls->command(argc, argv);
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
           "capture_discarded=%u capture_depth=%u capture_max_depth=%u audio_cushion_frames=%u "
           "audio_cushion_changes=%u audio_worst_deficit_us=%u at_us=%lu\n",
           m.packets_sent, m.packets_received, m.lost, m.jitter_ms, m.playout.late, m.playout.frames_lost,
           m.playout.underruns, m.rtcp_sent, m.rtcp_received, m.rtt_ms, m.dtmf_sent, m.dtmf_received,
           m.dropped_wrong_source, m.dropped_bad_header, a.frames, a.underruns, m.playout.depth_ms,
           m.playout.target_ms, a.queued_frames, a.played_frames, a.capture_underruns, a.capture_discarded,
           a.capture_depth, a.capture_max_depth, a.cushion_frames, a.cushion_changes, a.cushion_worst_deficit_us,
           monotonic_ns() / 1000);
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
        printk("stats: sip admitted=%u rate_limited=%u banned_drops=%u bans=%u untrusted_403=%u foreign_403=%u "
               "user_404=%u oversized_513=%u malformed=%u\n",
               gc.admitted, gc.rate_limited, gc.dropped_banned, gc.bans, gc.rejected_untrusted, gc.rejected_foreign,
               gc.rejected_user, gc.oversized, gc.malformed);
    }
}

} // namespace

} // namespace oh::kernel::phone

namespace oh::kernel {

namespace {
bool same(const char* a, const char* b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}
}

int phone_command(int argc, const char* const* argv)
{
    phone::Shared& sh = phone::shared();
    if (argc < 1)
        return -1;
    bool known = false;
    for (const auto& c : oh::phone::PhoneCalls::kCommands)
        known = known || same(c[0], argv[0]);
    if (!known)
        return -1;
    if (!sh.calls)
        return -2;
    MutexGuard g(sh.ua_lock);
    sh.calls->command(argc, argv);
    return 0;
}

} // namespace oh::kernel

namespace oh::kernel::phone {

void register_shell_commands()
{
    for (const auto& c : oh::phone::PhoneCalls::kCommands)
        shell_register(c[0], c[1], cmd_phone);
    shell_register("stats", "RTP/RTCP, jitter buffer and audio counters", cmd_stats);
}

} // namespace oh::kernel::phone
