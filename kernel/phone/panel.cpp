// The phone's status panel on the VGA screen, refreshed twice a second.
#include "kernel/console/console.h"
#include "kernel/phone/phone_state.h"
#include "kernel/sched/sched.h"
#include "kernel/time/time.h"
#include "lib/format.h"

namespace oh::kernel::phone {

namespace {

constexpr int kRows = 4;

void panel_thread(void*)
{
    console_set_panel_rows(kRows);
    char line[96];
    for (;;) {
        Shared& sh = shared();
        media::MediaStats m;
        AudioCounters a;
        bool running;
        {
            SpinLockIrqGuard g(sh.stats_lock);
            m = sh.media_stats;
            a = sh.audio;
            running = sh.media_running;
        }
        const oh::phone::PhoneCalls& pc = *sh.calls;
        sip::RegState rs = pc.reg_state();
        const char* reg = rs == sip::RegState::Registered ? "REGISTERED"
                        : rs == sip::RegState::Registering ? "registering"
                        : rs == sip::RegState::Failed ? "REGISTRATION FAILED" : "unregistered";
        format(line, sizeof line, " Offhook phone  |  %s (%u)", reg, pc.reg_status());
        console_panel_line(0, line);
        if (pc.call() != sip::kNoCall) {
            uint64_t answered = pc.answered_at();
            uint64_t secs = answered ? (monotonic_ns() - answered) / 1000000000 : 0;
            format(line, sizeof line, " call: %s  %s%02lu:%02lu%s%s", pc.peer(), answered ? "" : "setting up ",
                   secs / 60, secs % 60, pc.muted() ? "  MUTED" : "", pc.held() ? "  HOLD" : "");
        } else {
            format(line, sizeof line, " no call");
        }
        console_panel_line(1, line);
        format(line, sizeof line, " rtp: sent %u  received %u  lost %d  jitter %u ms  rtt %u ms  %s", m.packets_sent,
               m.packets_received, m.lost, m.jitter_ms, m.rtt_ms, running ? "" : "(idle)");
        console_panel_line(2, line);
        format(line, sizeof line, " audio: frames %lu  underruns %lu  jb depth %u ms  concealed %u  late %u",
               a.frames, a.underruns, m.playout.depth_ms, m.playout.frames_lost, m.playout.late);
        console_panel_line(3, line);
        thread_sleep_ns(500'000'000);
    }
}

} // namespace

void start_panel()
{
    ThreadOptions o;
    o.weight = 256; // cosmetic: runs when nothing else wants the CPU
    thread_create("panel", panel_thread, nullptr, o);
}

} // namespace oh::kernel::phone
