// STM32F7 USART (RM0385 §31.8): 8N1 console on USART1 (ST-LINK virtual COM port), polled
// transmit, receive polled or by the RXNE interrupt.
#pragma once

#include <stdint.h>

#include "lib/hw/io.h"

namespace oh::arm::stm32 {

class Usart {
public:
    static constexpr uint32_t kCr1 = 0x00, kBrr = 0x0C, kIsr = 0x1C, kIcr = 0x20, kRdr = 0x24, kTdr = 0x28;
    static constexpr uint32_t kCr1Ue = 1u << 0, kCr1Re = 1u << 2, kCr1Te = 1u << 3, kCr1Rxneie = 1u << 5;
    static constexpr uint32_t kIsrOre = 1u << 3, kIsrRxne = 1u << 5, kIsrTxe = 1u << 7;
    static constexpr uint32_t kIcrOrecf = 1u << 3;

    constexpr explicit Usart(hw::Mmio& io) : m_io(io) { }

    void initialize(uint32_t pclk_hz, uint32_t baud)
    {
        m_io.write32(kCr1, 0);
        m_io.write32(kBrr, (pclk_hz + baud / 2) / baud); // §31.5.4, oversampling by 16
        m_io.write32(kCr1, kCr1Ue | kCr1Re | kCr1Te);
    }
    void put(char c)
    {
        while (!(m_io.read32(kIsr) & kIsrTxe)) { }
        m_io.write32(kTdr, uint8_t(c));
    }
    int get() { return (m_io.read32(kIsr) & kIsrRxne) ? int(m_io.read32(kRdr) & 0xff) : -1; }
    // §31.8.1: RXNEIE raises the USART interrupt while RDR holds a character (reading RDR
    // clears RXNE). An overrun (ORE) also interrupts with RXNEIE set and must be cleared
    // through ICR, or the interrupt stays pending.
    void enable_rx_irq() { m_io.write32(kCr1, m_io.read32(kCr1) | kCr1Rxneie); }
    bool take_overrun()
    {
        if (!(m_io.read32(kIsr) & kIsrOre))
            return false;
        m_io.write32(kIcr, kIcrOrecf);
        return true;
    }

private:
    hw::Mmio& m_io;
};

} // namespace oh::arm::stm32
