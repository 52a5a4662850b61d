// State shared between the phone's SIP thread, media thread and shell commands.
#pragma once

#include <stdint.h>

#include "kernel/phone/audio.h"
#include "kernel/sync/spinlock.h"
#include "kernel/sync/wait_queue.h"
#include "lib/ring_buffer.h"
#include "net/stack.h"
#include "sip/media/media_session.h"
#include "sip/media/rtp_ports.h"
#include "sip/phone/calls.h"
#include "sip/user_agent.h"

namespace oh::kernel::phone {

// SIP thread / shell -> media thread. The media thread owns media::MediaSession alone, so a
// slow signalling path can never stall the 20 ms loop.
struct MediaCommand {
    enum class Kind : uint8_t { Start, Stop, Dtmf, Mute, Echo, Hold } kind;
    media::MediaConfig config {};
    char digit { 0 };
    bool flag { false };
};

constexpr uint16_t kSipPort = 5060;

// RTP/RTCP datagrams moved out of the stack by the network thread for the media thread.
struct MediaPacket {
    uint16_t length { 0 };
    bool rtcp { false };
    Endpoint from {};
    uint64_t arrival_ns { 0 }; // when the network thread took it in: the jitter buffer's arrival
    uint8_t data[320];   // 20 ms of G.711 + RTP header, or an RTCP compound
};

struct Shared {
    // Guarded by `ua_lock`: the user agent and the call control around it (sip/phone).
    Mutex ua_lock;
    sip::SipUserAgent* ua { nullptr };
    oh::phone::PhoneCalls* calls { nullptr };
    const oh::phone::PhoneSettings* settings { nullptr };

    // Guarded by `cmd_lock`: the command queue to the media thread.
    SpinLock cmd_lock;
    RingBuffer<MediaCommand, 16> commands;

    // Published by the media thread every frame (guarded by `stats_lock`).
    SpinLock stats_lock;
    media::MediaStats media_stats {};
    AudioCounters audio {};
    bool media_running { false };

    SpinLock rx_lock;
    RingBuffer<MediaPacket, 32> rx;   // 640 ms of RTP: bursts from the network survive
    uint32_t rx_overflow { 0 };
    uint32_t rx_oversize { 0 };
    uint32_t rx_wrong_source { 0 };  // queued before the socket was connected, not the peer
    // Media thread -> network thread (under rx_lock): whom the media sockets admit.
    media::AdmitFilter admit {};

    net::SocketId sip_socket;
    // Changed only with the network lock held, between calls; media_port_epoch counts the
    // changes so that the pacer drops a flow framed with the old port.
    net::SocketId rtp_socket;
    net::SocketId rtcp_socket;
    uint16_t rtp_port { 0 };
    uint32_t media_port_epoch { 0 };
};

Shared& shared();
void post(const MediaCommand& c);
void media_thread(void*);
void register_shell_commands();
void start_panel();

} // namespace oh::kernel::phone
