// The RTP pacer: a real-time thread on the kernel timer that sends the media loop's packets
// on a steady 20 ms grid, framing them itself from a pre-resolved flow so the send never
// waits for the network lock; it times every send against the grid (`pacer` command).
#pragma once

#include <stdint.h>

#include <span>

#include "lib/inet.h"

namespace oh::kernel::phone {

// Starts the pacer thread pinned to `cpu` (the media CPU).
void pacer_start(int cpu);
// From the media thread: one RTP packet for the next grid slot.
void pacer_queue(std::span<const uint8_t> rtp, Endpoint to);
// `pacer [reset|dump]`: lateness of the sends against the grid, split into what the kernel
// controls (arming the timer, scheduling, the transmit path) and what it does not (an
// emulator delivering the timer interrupt late); dump lists each send for the wire.
void pacer_register_commands();

} // namespace oh::kernel::phone
