// What a driver's handle_irq() reports, the same type for every driver (e1000, AC'97, ATA,
// LAN9118, STM32 ETH, STM32 SAI): whether the interrupt was its device's, and which work it made ready,
// so the glue knows whom to wake. An empty set means "not ours" (the line may be shared).
#pragma once

#include <stdint.h>

namespace oh::hw {

enum class IrqEvent : uint32_t {
    Ours = 1u << 0,          // the device raised it (and the driver acknowledged it)
    RxReady = 1u << 1,       // received frames wait in the ring
    TxDone = 1u << 2,        // transmit descriptors finished
    LinkChanged = 1u << 3,   // the PHY's link went up or down
    RxOverrun = 1u << 4,     // the device dropped frames: no free receive descriptor
    PlaybackSpace = 1u << 5, // a playback buffer was consumed: room to write
    CaptureReady = 1u << 6,  // a capture buffer was filled: data to read
    Completed = 1u << 7,     // a submitted request (a disk transfer) finished
    // With PlaybackSpace or CaptureReady from a circular DMA over a two-half buffer: the
    // half now free (or filled) is the second one; without it, the first. Carried in the
    // event itself so the handler keeps no "last half" state for the thread to race on.
    SecondHalf = 1u << 8,
};

class IrqEvents {
public:
    constexpr IrqEvents() = default;
    constexpr IrqEvents(IrqEvent e) : m_bits(uint32_t(e)) { }
    constexpr bool ours() const { return m_bits != 0; }
    constexpr bool has(IrqEvent e) const { return m_bits & uint32_t(e); }
    constexpr IrqEvents& operator|=(IrqEvents o)
    {
        m_bits |= o.m_bits;
        return *this;
    }
    friend constexpr IrqEvents operator|(IrqEvents a, IrqEvents b) { return a |= b; }
    friend constexpr bool operator==(IrqEvents, IrqEvents) = default;
    constexpr uint32_t bits() const { return m_bits; }

private:
    uint32_t m_bits { 0 };
};

constexpr IrqEvents operator|(IrqEvent a, IrqEvent b) { return IrqEvents(a) | IrqEvents(b); }

} // namespace oh::hw
