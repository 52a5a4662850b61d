// ARM CMSDK APB UART (the MPS2 console): polled transmit, receive polled or by interrupt.
#pragma once

#include <stdint.h>

#include "lib/hw/io.h"

namespace oh::arm {

// ARM DDI 0479 (Cortex-M System Design Kit TRM) §4.3: APB UART registers.
enum class CmsdkUartReg : uint32_t {
    Data = 0x00,
    State = 0x04,     // [0] TX buffer full, [1] RX buffer full
    Ctrl = 0x08,      // [0] TX enable, [1] RX enable, [2] TX irq, [3] RX irq
    IntStatus = 0x0C,
    BaudDiv = 0x10,   // >= 16
};

class CmsdkUart {
public:
    static constexpr uint32_t kStateTxFull = 1u << 0;
    static constexpr uint32_t kStateRxFull = 1u << 1;
    static constexpr uint32_t kCtrlTxEnable = 1u << 0;
    static constexpr uint32_t kCtrlRxEnable = 1u << 1;
    static constexpr uint32_t kCtrlRxIrqEnable = 1u << 3;
    static constexpr uint32_t kIntRx = 1u << 1; // IntStatus: write 1 to clear

    constexpr explicit CmsdkUart(hw::Mmio& io) : m_io(io) { }

    void initialize(uint32_t pclk_hz, uint32_t baud)
    {
        uint32_t div = pclk_hz / baud;
        m_io.write32(uint32_t(CmsdkUartReg::BaudDiv), div < 16 ? 16 : div);
        m_io.write32(uint32_t(CmsdkUartReg::Ctrl), kCtrlTxEnable | kCtrlRxEnable);
    }
    void put(char c)
    {
        while (m_io.read32(uint32_t(CmsdkUartReg::State)) & kStateTxFull) { }
        m_io.write32(uint32_t(CmsdkUartReg::Data), uint8_t(c));
    }
    // The RX interrupt fires when a character arrives (its one-character buffer fills).
    void enable_rx_irq()
    {
        m_io.write32(uint32_t(CmsdkUartReg::Ctrl), kCtrlTxEnable | kCtrlRxEnable | kCtrlRxIrqEnable);
    }
    void clear_rx_irq() { m_io.write32(uint32_t(CmsdkUartReg::IntStatus), kIntRx); }
    // -1 when nothing has arrived.
    int get()
    {
        if (!(m_io.read32(uint32_t(CmsdkUartReg::State)) & kStateRxFull))
            return -1;
        return int(m_io.read32(uint32_t(CmsdkUartReg::Data)) & 0xff);
    }

private:
    hw::Mmio& m_io;
};

} // namespace oh::arm
