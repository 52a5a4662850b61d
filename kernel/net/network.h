// The kernel's network: one NIC, the portable net::Stack, and the thread that runs them.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/cmdline/cmdline.h"
#include "kernel/sync/wait_queue.h"
#include "net/stack.h"

namespace oh::kernel {

// A NIC as the network thread sees it (the e1000 adapter implements it).
class Nic : public net::NetDevice {
public:
    virtual const char* name() const = 0;
    virtual net::MacAddress mac() const = 0;
    virtual bool link_up() const = 0;
    // Next received frame copied into `out`; 0 when the ring is empty.
    virtual size_t receive(std::span<uint8_t> out) = 0;
    // Transmits that found the transmit ring's lock held (by another CPU) and waited for it.
    virtual uint32_t transmit_lock_waits() const { return 0; }

protected:
    ~Nic() = default;
};

// Probe the PCI list for a supported NIC, start the stack as `net=` says, run the thread.
void network_init(const CommandLine& cl);
// Before network_init: with net=dhcp, start with INIT-REBOOT for this lease from the last
// boot (RFC 2131 §3.2); the hook hears each lease granted, renewed or lost (from the network
// thread, under its lock: it must not wait).
void network_remember_lease(Ipv4Address address, Ipv4Address server);
using LeaseHook = void (*)(Ipv4Address address, Ipv4Address server);
void network_set_lease_hook(LeaseHook hook);
bool network_ready();

// Every call into the stack holds this lock (the stack is single-threaded by design).
Mutex& network_lock();
net::Stack& network_stack();
// Wake the network thread (an IRQ arrived, or a caller queued work with a deadline).
void network_kick();

// Called by the network thread after each receive batch, with the network lock held: a
// real-time user (the phone's media path) moves its datagrams into its own queue here, so
// it never waits for the network lock or loses packets to the stack's short socket queues.
using NetDrainHook = void (*)(net::Stack& stack);
void network_set_drain_hook(NetDrainHook hook);

// A whole Ethernet frame straight to the NIC, bypassing the stack and its lock (the NIC's
// own IRQ-safe ring lock serializes it with the network thread): for a real-time sender
// that framed it from a net::UdpFlow. Busy when the transmit ring is full.
Result<void> network_transmit_frame(std::span<const uint8_t> frame);
uint32_t network_transmit_lock_waits();

// Blocking helpers for kernel users of UDP (the phone). The lock is taken inside.
// Sleeps until a datagram is queued on `socket` or `deadline_ns` passes.
bool network_wait_udp(net::SocketId socket, uint64_t deadline_ns);
// A count of what the network thread did that a waiter may be waiting for (frames received
// and handled, the address changing): read it, check the stack, then wait for it to move on,
// so nothing that happened between the check and the wait is missed. Returns whether it moved.
uint32_t network_events();
// One ICMP echo and its reply (a user program's ping): the round trip in ns, or
// NotFound (no network), Unreachable (no route), Timeout.
Result<uint64_t> network_ping_once(Ipv4Address to, uint16_t sequence, uint64_t timeout_ns);
bool network_wait_events(uint32_t seen, uint64_t deadline_ns);

} // namespace oh::kernel
