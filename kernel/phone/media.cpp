// The media thread: real-time, pinned, paced by the sound device. Each 20 ms: apply
// commands from signalling, take in queued RTP/RTCP, run one frame of the media session
// (capture -> G.711 -> RTP; jitter buffer -> playback), and publish statistics.
#include "kernel/console/console.h"
#include "kernel/dev/platform.h"
#include "kernel/dev/random.h"
#include "kernel/net/network.h"
#include "kernel/phone/pacer.h"
#include "kernel/phone/phone_state.h"
#include "kernel/phone/recorder.h"
#include "kernel/sched/sched.h"
#include "kernel/time/time.h"
#include "lib/ring_buffer.h"
#include "sip/media/tones.h"
#include "sip/phone/digit_queue.h"

namespace oh::kernel::phone {

namespace {

// A send that fails is counted by the stack itself (its DropTx* counters).
void send_now(net::SocketId s, std::span<const uint8_t> packet, Endpoint to)
{
    MutexGuard g(network_lock());
    if (auto r = network_stack().udp_send_to(s, to, packet); r.is_error())
        return;
}

// RTP leaves through the pacer (pacer.h); RTCP, a few packets a minute, through the stack.
class UdpMediaTransport final : public media::MediaTransport {
public:
    void send_rtp(std::span<const uint8_t> packet, Endpoint to) override { pacer_queue(packet, to); }
    void send_rtcp(std::span<const uint8_t> packet, Endpoint to) override { send_now(shared().rtcp_socket, packet, to); }
};

constinit UdpMediaTransport s_transport;
// Set at boot before the media thread exists (thread creation orders the store before its reads).
constinit CallRecorder* s_recorder = nullptr;

class KernelOutput final : public oh::phone::PhoneOutput {
public:
    void vprint(const char* fmt, va_list ap) override { vprintk(fmt, ap); }
};
constinit KernelOutput s_out;

using oh::phone::DigitQueue;

void apply(media::MediaSession& session, const MediaCommand& c, bool& held, DigitQueue& dq)
{
    uint64_t now = monotonic_ns();
    switch (c.kind) {
    case MediaCommand::Kind::Start:
        if (session.running())
            session.stop(now);
        else
            if (s_recorder)
                s_recorder->call_started(shared().calls->peer());
        if (auto r = session.start(c.config, now); r.is_error())
            printk("phone: media start failed: %s\n", r.error_info().text());
        break;
    case MediaCommand::Kind::Stop:
        if (session.running()) {
            session.stop(now); // sends the RTCP BYE
            if (s_recorder)
                s_recorder->call_ended();
        }
        break;
    case MediaCommand::Kind::Dtmf:
        if (!session.running() || !dq.push(c.digit))
            printk("phone: cannot send DTMF %c now\n", c.digit);
        break;
    case MediaCommand::Kind::Mute:
        session.set_mute(c.flag);
        break;
    case MediaCommand::Kind::Hold:
        held = c.flag;
        session.set_mute(c.flag);
        break;
    case MediaCommand::Kind::Echo:
        printk("phone: echo mode takes effect on the next call\n");
        break;
    }
}

void admit_only(net::Stack& stack, net::SocketId socket, Endpoint peer)
{
    auto r = peer.port ? stack.udp_connect(socket, peer) : stack.udp_disconnect(socket);
    if (r.is_error())
        printk("phone: cannot set the media socket's peer: %s\n", r.error_info().text());
}

// Admission before anything is queued: the media sockets are connected to the peer the
// session listens to (the negotiated one, or the latched one), so a flood from elsewhere is
// dropped by the stack (drop_udp_wrong_peer) before it can take a socket queue slot or a
// place in the ring. What was queued before the filter changed is checked here.
media::AdmitFilter apply_admission(net::Stack& stack, Shared& sh)
{
    static media::AdmitFilter applied;
    static net::SocketId applied_rtp, applied_rtcp;
    media::AdmitFilter want;
    {
        SpinLockIrqGuard g(sh.rx_lock);
        want = sh.admit;
    }
    if (!(want == applied) || !(applied_rtp == sh.rtp_socket) || !(applied_rtcp == sh.rtcp_socket)) {
        admit_only(stack, sh.rtp_socket, want.rtp);
        admit_only(stack, sh.rtcp_socket, want.rtcp);
        applied = want;
        applied_rtp = sh.rtp_socket;
        applied_rtcp = sh.rtcp_socket;
    }
    return want;
}

// Network thread, network lock held: move queued RTP/RTCP into the media ring.
void drain_into_ring(net::Stack& stack)
{
    Shared& sh = shared();
    static MediaPacket pkt;
    media::AdmitFilter admit = apply_admission(stack, sh);
    for (int pass = 0; pass < 2; pass++) {
        net::SocketId sock = pass ? sh.rtcp_socket : sh.rtp_socket;
        Endpoint peer = pass ? admit.rtcp : admit.rtp;
        for (int i = 0; i < 16; i++) {
            auto got = stack.udp_receive(sock, pkt.data);
            if (got.is_error())
                break;
            if (got->length != got->datagram) {
                sh.rx_oversize++;
                continue;
            }
            if (peer.port && !(got->from == peer)) {
                sh.rx_wrong_source++;
                continue;
            }
            pkt.length = uint16_t(got->length);
            pkt.rtcp = pass == 1;
            pkt.from = got->from;
            pkt.arrival_ns = monotonic_ns();
            SpinLockIrqGuard g(sh.rx_lock);
            if (sh.rx.is_full()) { // keep the newest: old audio is useless to a phone
                MediaPacket old;
                sh.rx.pop(old);
                sh.rx_overflow++;
            }
            sh.rx.push(pkt);
        }
    }
}

void take_packets(media::MediaSession& session)
{
    Shared& sh = shared();
    static MediaPacket pkt;
    for (;;) {
        {
            SpinLockIrqGuard g(sh.rx_lock);
            if (!sh.rx.pop(pkt))
                return;
        }
        if (!session.running())
            continue;
        std::span<const uint8_t> data { pkt.data, pkt.length };
        // Stamped as it came in, not now: the wait for this tick is not network jitter.
        if (pkt.rtcp)
            session.on_rtcp_packet(data, pkt.from, pkt.arrival_ns);
        else
            session.on_rtp_packet(data, pkt.from, pkt.arrival_ns);
    }
}

} // namespace

void media_thread(void*)
{
    Shared& sh = shared();
    AudioDevice& audio = audio_open();
    network_set_drain_hook(drain_into_ring);
    pacer_start(thread_cpu(thread_current()));
    printk("phone: media thread on cpu %d, audio: %s (playback %s, capture %s)\n", thread_cpu(thread_current()),
           audio.name(), audio.playback_live() ? "live" : "none", audio.capture_live() ? "live" : "not live");
    auto* session = new media::MediaSession(s_transport, kernel_random());
    if (!session)
        panic("phone: no memory for the media session");
    media::ToneGenerator source;
    if (sh.settings->tone_hz)
        source.start_test_tone(sh.settings->tone_hz, 8000);
    int16_t capture[kAudioFrame];
    int16_t playback[kAudioFrame];
    bool held = false;
    DigitQueue dq;
    for (;;) {
        int due = audio.wait_frame();
        for (;;) {
            MediaCommand c;
            {
                SpinLockIrqGuard g(sh.cmd_lock);
                if (!sh.commands.pop(c))
                    break;
            }
            apply(*session, c, held, dq);
        }
        for (; due > 0; due--) {
            take_packets(*session);
            if (audio.capture_live())
                audio.read_frame(capture);
            else
                source.generate(capture);
            uint64_t now = monotonic_ns();
            dq.pump(*session, now, s_out);
            if (session->running()) {
                session->on_frame(capture, playback, now);
                session->poll_rtcp(now);
                while (auto d = session->poll_dtmf())
                    printk("phone: dtmf received %c\n", *d);
                if (s_recorder)
                    s_recorder->frame(playback, capture, kAudioFrame);
            } else {
                for (auto& s : playback)
                    s = 0;
            }
            audio.write_frame(playback);
        }

        {
            media::AdmitFilter admit = session->admit_filter(monotonic_ns());
            SpinLockIrqGuard g(sh.rx_lock);
            sh.admit = admit;
        }
        SpinLockIrqGuard g(sh.stats_lock);
        sh.media_stats = session->stats();
        sh.audio = audio.counters();
        sh.media_running = session->running();
    }
}

} // namespace oh::kernel::phone

namespace oh::kernel {
void phone_set_recorder(CallRecorder* recorder) { phone::s_recorder = recorder; }
}
