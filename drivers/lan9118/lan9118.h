// SMSC LAN9118 Ethernet controller driver (PIO FIFOs), the NIC of QEMU's MPS2 boards.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/result.h"
#include "net/net_device.h"
#include "drivers/lan9118/lan9118_regs.h"
#include "lib/hw/io.h"
#include "lib/hw/irq.h"

namespace oh::arm {

struct Lan9118Counters {
    uint32_t rx_frames { 0 };
    uint32_t rx_errors { 0 };      // status word error summary set
    uint32_t rx_oversize { 0 };    // did not fit the caller's buffer
    uint32_t tx_frames { 0 };
    uint32_t tx_full { 0 };        // TX FIFO had no room: frame dropped
    uint32_t tx_bad_length { 0 };
    uint32_t irqs { 0 };
};

class Lan9118 final : public net::PolledNetDevice {
public:
    // Bounded polls: a dead chip fails create() instead of hanging the boot.
    static constexpr uint32_t kPollLimit = 100000;

    // No side effects: is a LAN9118 answering at this address (BYTE_TEST, ID_REV)?
    static bool probe(hw::Mmio& io);
    // A running NIC or why not: NotFound when probe() fails, Timeout when the soft reset or
    // a MAC/PHY access never completes. Brings it up: soft reset, PHY auto-negotiation, MAC
    // address (kept from EEPROM/QEMU, else `fallback`), TX/RX on, RX interrupt enabled.
    static Result<Lan9118> create(hw::Mmio& io, hw::Delay& delay, const net::MacAddress& fallback);
    // Acknowledges the interrupt; RxReady when received frames are waiting.
    hw::IrqEvents handle_irq();

    Result<void> transmit(std::span<const uint8_t> frame) override;
    Result<size_t> receive(std::span<uint8_t> out) override;
    net::MacAddress mac() const override { return m_mac; }
    const Lan9118Counters& counters() const { return m_counters; }

private:
    constexpr Lan9118(hw::Mmio& io, hw::Delay& delay) : m_io(io), m_delay(delay) { }
    Result<void> initialize(const net::MacAddress& fallback);
    uint32_t read(lan9118::Reg r);
    void write(lan9118::Reg r, uint32_t v);
    Result<uint32_t> mac_read(lan9118::MacReg r);
    Result<void> mac_write(lan9118::MacReg r, uint32_t v);
    Result<void> phy_write(uint32_t reg, uint16_t value);
    Result<void> wait_csr_idle();
    void discard_rx(uint32_t words);

    hw::Mmio& m_io;
    hw::Delay& m_delay;
    net::MacAddress m_mac;
    Lan9118Counters m_counters;
};

} // namespace oh::arm
