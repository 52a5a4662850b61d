// The network thread: feeds received frames to net::Stack and runs its timers.
#pragma once

#include <stdint.h>

#include "lib/clock.h"
#include "lib/random.h"
#include "net/stack.h"
#include "net/net_device.h"
#include "port/armv7m/app/config.h"
#include "port/armv7m/app/phone.h"
#include "port/armv7m/thread.h"

namespace oh::arm {

class NetTask final : private net::StackListener {
public:
    NetTask(net::PolledNetDevice& nic, const Clock& clock, Random& random);

    // Services from the command line (net.echo), addressing from net=.
    void start(const BoardConfig& config);
    // Thread body: never returns.
    [[noreturn]] void run();
    static void entry(void* self) { static_cast<NetTask*>(self)->run(); }

    // Optional: the phone's signalling runs in this thread because net::Stack has a single
    // owner (its media runs in the board's audio thread and queues its datagrams here).
    void set_phone(Phone* phone)
    {
        m_phone = phone;
        phone->set_net_wake(&m_wake);
        phone->set_rx_buffer(m_frame);
    }
    // Signalled from the NIC's interrupt handler.
    void notify_rx() { m_wake.signal(); }
    net::Stack& stack() { return m_stack; }
    uint32_t frames_received() const { return m_frames; }

private:
    void on_address_changed(const net::Ipv4Settings& settings) override;
    void drain_rx();
    // The console: lines typed on the board's UART, run here because this thread owns the
    // stack and the phone (help, net, ping and the phone's commands).
    void run_console();
    void run_command(char* line);
    void poll_ping();

    net::PolledNetDevice& m_nic;
    const Clock& m_clock;
    net::Stack m_stack;

    Event m_wake;
    Phone* m_phone { nullptr };
    bool m_address_changed { false };
    uint32_t m_frames { 0 };
    // `ping ADDRESS [COUNT]`: one request a second, without blocking this thread.
    struct Ping {
        Ipv4Address to {};
        uint16_t count { 0 };
        uint16_t sent { 0 };
        uint16_t replies { 0 };
        bool waiting { false };
        Nanoseconds deadline { 0 };
    } m_ping;
    // Ethernet frames land here and go through the stack at once; the phone then receives
    // its datagrams into the same bytes (Phone::set_rx_buffer), never while a frame is in it.
    static constexpr size_t kRxBuffer = net::kEthernetMaxFrame + 4 > sip::kMaxMessageSize
        ? net::kEthernetMaxFrame + 4 : sip::kMaxMessageSize;
    alignas(4) uint8_t m_frame[kRxBuffer];
};

} // namespace oh::arm
