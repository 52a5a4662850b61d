// STM32F7 Ethernet MAC + DMA (RM0385 §38) with chained descriptors, and the LAN8742A PHY
// over MDIO in RMII mode.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/result.h"
#include "net/net_device.h"
#include "lib/hw/io.h"
#include "lib/hw/irq.h"

namespace oh::arm::stm32 {

// Ring sizes for one call (each descriptor costs 16 + 1536 bytes of the 64 KiB budget).
// RM0385 §38.6.7-8, chained mode (RCH/TCH): any ring length works, descriptors are
// word-aligned, RBS1 is a multiple of 4 on the 32-bit AHB; one buffer holds one whole frame.
// RX 4: the largest burst the phone expects back to back is a fragmented SIP datagram (2
// frames at sip's 2048-byte receive size), an RTP packet and a broadcast; the network thread
// empties the ring on every wake-up, and the MAC's 2 KiB RX FIFO holds one frame more before
// ETH_DMASR.RBUS counts a loss. TX 2: per 20 ms tick the phone sends one RTP and at most one
// RTCP or SIP datagram (never fragmented: sip sends <= 1472 bytes), and a 1514-byte frame
// leaves in 121 us at 100 Mbit/s; a third frame while both are owned gets WouldBlock.
constexpr size_t kEthRxDescriptors = 4;
constexpr size_t kEthTxDescriptors = 2;
constexpr size_t kEthBufferSize = 1536; // multiple of 4, holds a 1518-byte frame

// RM0385 §38.6.7-8: normal descriptor layout (4 words), chained by word 3.
struct EthDescriptor {
    uint32_t status;
    uint32_t control;
    uint32_t buffer;
    uint32_t next;
};
static_assert(sizeof(EthDescriptor) == 16);

// DMA-visible memory, placed by the board (SRAM1: the ETH DMA master reaches it).
struct EthRings {
    EthDescriptor rx[kEthRxDescriptors];
    EthDescriptor tx[kEthTxDescriptors];
    alignas(4) uint8_t rx_buffer[kEthRxDescriptors][kEthBufferSize];
    alignas(4) uint8_t tx_buffer[kEthTxDescriptors][kEthBufferSize];
};

namespace eth {
// MAC (§38.8.1) and DMA (§38.8.4) register offsets from the ETH base.
constexpr uint32_t kMacCr = 0x0000, kMacFfr = 0x0004, kMacMiiAr = 0x0010, kMacMiiDr = 0x0014,
                   kMacA0Hr = 0x0040, kMacA0Lr = 0x0044;
constexpr uint32_t kDmaBmr = 0x1000, kDmaTpdr = 0x1004, kDmaRpdr = 0x1008, kDmaRdlar = 0x100C,
                   kDmaTdlar = 0x1010, kDmaSr = 0x1014, kDmaOmr = 0x1018, kDmaIer = 0x101C;
constexpr uint32_t kMacCrRe = 1u << 2, kMacCrTe = 1u << 3, kMacCrDm = 1u << 11, kMacCrFes = 1u << 14;
constexpr uint32_t kMiiBusy = 1u << 0, kMiiWrite = 1u << 1, kMiiClkDiv102 = 4u << 2;
constexpr uint32_t kDmaBmrSr = 1u << 0, kDmaBmrPbl32 = 32u << 8, kDmaBmrFb = 1u << 16;
constexpr uint32_t kDmaOmrSr = 1u << 1, kDmaOmrSt = 1u << 13, kDmaOmrTsf = 1u << 21, kDmaOmrRsf = 1u << 25;
constexpr uint32_t kDmaSrTs = 1u << 0, kDmaSrRs = 1u << 6, kDmaSrRbus = 1u << 7, kDmaSrNis = 1u << 16;
constexpr uint32_t kDmaIerRie = 1u << 6, kDmaIerNise = 1u << 16;
// Descriptor bits: TDES0 (§38.6.7), RDES0/RDES1 (§38.6.8).
constexpr uint32_t kOwn = 1u << 31;
constexpr uint32_t kTdesIc = 1u << 30, kTdesLs = 1u << 29, kTdesFs = 1u << 28, kTdesTch = 1u << 20;
constexpr uint32_t kRdesEs = 1u << 15, kRdesFs = 1u << 9, kRdesLs = 1u << 8;
constexpr uint32_t kRdesRch = 1u << 14;
constexpr uint32_t rdes_length(uint32_t s) { return (s >> 16) & 0x3fff; }
// LAN8742A (datasheet §4.2): basic control/status, identifiers, special control/status.
constexpr uint8_t kPhyBcr = 0, kPhyBsr = 1, kPhyId1 = 2, kPhyScsr = 31;
constexpr uint16_t kBcrReset = 1u << 15, kBcrAutoNeg = 1u << 12, kBcrRestartAn = 1u << 9;
constexpr uint16_t kBsrLink = 1u << 2, kBsrAnDone = 1u << 5;
constexpr uint16_t kLan8742Id1 = 0x0007;
} // namespace eth

struct EthCounters {
    uint32_t rx_frames { 0 }, rx_errors { 0 }, rx_oversize { 0 };
    uint32_t tx_frames { 0 }, tx_busy { 0 }, tx_bad_length { 0 };
    uint32_t irqs { 0 };
};

struct EthLink {
    bool up { false };
    bool full_duplex { true };
    uint16_t mbps { 100 };
};

class StmEth final : public net::PolledNetDevice {
public:
    static constexpr uint32_t kPollLimit = 100000;
    static constexpr uint32_t kLinkWaitMs = 3000;

    // A running MAC or why not: Timeout when the DMA reset never completes (no 50 MHz
    // REF_CLK from the PHY) or an MDIO access hangs, NotFound when no LAN8742A answers at
    // phy_address. Resets MAC and DMA, brings the PHY up (a missing cable is not an error:
    // link().up stays false), programs the address and the rings and starts both DMAs.
    // Needs SYSCFG RMII selected and the ETH clocks on (the board does both first).
    static Result<StmEth> create(hw::Mmio& io, hw::Delay& delay, hw::BusAddress& bus, EthRings& rings,
        const net::MacAddress& mac, uint8_t phy_address);
    hw::IrqEvents handle_irq(); // RxReady: frames received

    Result<void> transmit(std::span<const uint8_t> frame) override;
    Result<size_t> receive(std::span<uint8_t> out) override;
    net::MacAddress mac() const override { return m_mac; }

    Result<uint16_t> mdio_read(uint8_t reg);
    Result<void> mdio_write(uint8_t reg, uint16_t value);
    const EthLink& link() const { return m_link; }
    const EthCounters& counters() const { return m_counters; }

private:
    StmEth(hw::Mmio& io, hw::Delay& delay, hw::BusAddress& bus, EthRings& rings)
        : m_io(io), m_delay(delay), m_bus(bus), m_rings(rings)
    {
    }
    Result<void> initialize(const net::MacAddress& mac, uint8_t phy_address);
    Result<void> phy_bring_up();
    void setup_rings();

    hw::Mmio& m_io;
    hw::Delay& m_delay;
    hw::BusAddress& m_bus;
    EthRings& m_rings;
    net::MacAddress m_mac;
    uint8_t m_phy { 0 };
    EthLink m_link;
    size_t m_rx_next { 0 };
    size_t m_tx_next { 0 };
    EthCounters m_counters;
};

} // namespace oh::arm::stm32
