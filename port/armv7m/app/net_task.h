// The network thread: feeds received frames to net::Stack and runs its timers.
#pragma once

#include <stdint.h>

#include "lib/clock.h"
#include "lib/random.h"
#include "net/stack.h"
#include "port/armv7m/app/nic.h"
#include "port/armv7m/thread.h"

namespace oh::arm {

class NetTask final : private net::StackListener {
public:
    NetTask(Nic& nic, const Clock& clock, Random& random);

    void start(const net::NetConfig& config);
    // Thread body: never returns.
    [[noreturn]] void run();
    static void entry(void* self) { static_cast<NetTask*>(self)->run(); }

    // Signalled from the NIC's interrupt handler.
    void notify_rx() { m_wake.signal(); }
    net::Stack& stack() { return m_stack; }
    uint32_t frames_received() const { return m_frames; }

private:
    void on_address_changed(const net::Ipv4Settings& settings) override;
    void drain_rx();

    Nic& m_nic;
    const Clock& m_clock;
    net::Stack m_stack;
    Event m_wake;
    uint32_t m_frames { 0 };
    alignas(4) uint8_t m_frame[net::kEthernetMaxFrame + 4];
};

} // namespace oh::arm
