// ETH MAC/DMA driver: reset, MDIO, PHY auto-negotiation, chained descriptor rings (RM0385 §38).
#include "drivers/stm32_eth/stm32_eth.h"

#include "lib/bytes.h"

namespace oh::arm::stm32 {

using namespace eth;

namespace {
inline uint32_t vload(const uint32_t& w) { return *static_cast<const volatile uint32_t*>(&w); }
inline void vstore(uint32_t& w, uint32_t v) { *static_cast<volatile uint32_t*>(&w) = v; }
} // namespace

// §38.8.1 ETH_MACMIIAR: PHY address [15:11], register [10:6], clock range, write, busy.
Result<uint16_t> StmEth::mdio_read(uint8_t reg)
{
    m_io.write32(kMacMiiAr, (uint32_t(m_phy) << 11) | (uint32_t(reg) << 6) | kMiiClkDiv102 | kMiiBusy);
    for (uint32_t i = 0; i < kPollLimit; i++)
        if (!(m_io.read32(kMacMiiAr) & kMiiBusy))
            return uint16_t(m_io.read32(kMacMiiDr));
    return Error::Timeout;
}

Result<void> StmEth::mdio_write(uint8_t reg, uint16_t value)
{
    m_io.write32(kMacMiiDr, value);
    m_io.write32(kMacMiiAr, (uint32_t(m_phy) << 11) | (uint32_t(reg) << 6) | kMiiClkDiv102 | kMiiWrite | kMiiBusy);
    for (uint32_t i = 0; i < kPollLimit; i++)
        if (!(m_io.read32(kMacMiiAr) & kMiiBusy))
            return {};
    return Error::Timeout;
}

Result<void> StmEth::phy_bring_up()
{
    if (TRY(mdio_read(kPhyId1)) != kLan8742Id1)
        return ErrorInfo(Error::NotFound, "no LAN8742A on MDIO");
    TRY(mdio_write(kPhyBcr, kBcrReset));
    bool reset_done = false;
    for (uint32_t i = 0; i < 500 && !reset_done; i++) {
        reset_done = !(TRY(mdio_read(kPhyBcr)) & kBcrReset);
        if (!reset_done)
            m_delay.delay_us(1000);
    }
    if (!reset_done)
        return ErrorInfo(Error::Timeout, "PHY reset");
    TRY(mdio_write(kPhyBcr, kBcrAutoNeg | kBcrRestartAn));
    // No cable is not an error: the MAC is set up for 100/full and the link may come later.
    for (uint32_t ms = 0; ms < kLinkWaitMs; ms++) {
        uint16_t bsr = TRY(mdio_read(kPhyBsr));
        if ((bsr & (kBsrAnDone | kBsrLink)) == (kBsrAnDone | kBsrLink)) {
            m_link.up = true;
            break;
        }
        m_delay.delay_us(1000);
    }
    if (m_link.up) {
        // LAN8742A §4.2.16: speed indication [4:2]: 001 10HD, 101 10FD, 010 100HD, 110 100FD.
        uint16_t speed = (TRY(mdio_read(kPhyScsr)) >> 2) & 7;
        m_link.mbps = (speed & 2) ? 100 : 10;
        m_link.full_duplex = speed & 4;
    }
    return {};
}

void StmEth::setup_rings()
{
    for (size_t i = 0; i < kEthRxDescriptors; i++) {
        auto& d = m_rings.rx[i];
        vstore(d.control, kRdesRch | kEthBufferSize);
        vstore(d.buffer, m_bus.to_bus(m_rings.rx_buffer[i]));
        vstore(d.next, m_bus.to_bus(&m_rings.rx[(i + 1) % kEthRxDescriptors]));
        vstore(d.status, kOwn);
    }
    for (size_t i = 0; i < kEthTxDescriptors; i++) {
        auto& d = m_rings.tx[i];
        vstore(d.control, 0);
        vstore(d.buffer, m_bus.to_bus(m_rings.tx_buffer[i]));
        vstore(d.next, m_bus.to_bus(&m_rings.tx[(i + 1) % kEthTxDescriptors]));
        vstore(d.status, kTdesTch);
    }
    m_rx_next = m_tx_next = 0;
    hw::dma_barrier();
}

Result<StmEth> StmEth::create(hw::Mmio& io, hw::Delay& delay, hw::BusAddress& bus, EthRings& rings,
    const net::MacAddress& mac, uint8_t phy_address)
{
    StmEth eth(io, delay, bus, rings);
    TRY(eth.initialize(mac, phy_address));
    return eth;
}

Result<void> StmEth::initialize(const net::MacAddress& mac, uint8_t phy_address)
{
    m_mac = mac;
    m_phy = phy_address;
    // §38.8.4 ETH_DMABMR.SR resets MAC and DMA; it only completes with the PHY's 50 MHz
    // REF_CLK present, so a timeout here means an RMII clock or pin problem.
    m_io.write32(kDmaBmr, kDmaBmrSr);
    bool done = false;
    for (uint32_t i = 0; i < kPollLimit && !done; i++)
        done = !(m_io.read32(kDmaBmr) & kDmaBmrSr);
    if (!done)
        return ErrorInfo(Error::Timeout, "ETH DMA reset (no REF_CLK?)");
    TRY(phy_bring_up());

    m_io.write32(kMacA0Hr, (1u << 31) | load_le16(mac.bytes + 4));
    m_io.write32(kMacA0Lr, load_le32(mac.bytes));
    m_io.write32(kMacFfr, 0); // perfect filtering on our address, broadcast accepted
    uint32_t cr = (m_link.mbps == 100 ? kMacCrFes : 0) | (m_link.full_duplex ? kMacCrDm : 0);
    m_io.write32(kMacCr, cr);

    setup_rings();
    m_io.write32(kDmaBmr, kDmaBmrPbl32 | kDmaBmrFb);
    m_io.write32(kDmaRdlar, m_bus.to_bus(&m_rings.rx[0]));
    m_io.write32(kDmaTdlar, m_bus.to_bus(&m_rings.tx[0]));
    m_io.write32(kDmaSr, 0xffffffffu);
    m_io.write32(kDmaIer, kDmaIerNise | kDmaIerRie);
    // Store-and-forward both ways: checksums and FCS are checked on whole frames.
    m_io.write32(kDmaOmr, kDmaOmrTsf | kDmaOmrRsf);
    m_io.write32(kMacCr, cr | kMacCrTe | kMacCrRe);
    m_io.write32(kDmaOmr, kDmaOmrTsf | kDmaOmrRsf | kDmaOmrSt | kDmaOmrSr);
    return {};
}

hw::IrqEvents StmEth::handle_irq()
{
    m_counters.irqs++;
    uint32_t sr = m_io.read32(kDmaSr);
    uint32_t mine = sr & (kDmaSrRs | kDmaSrTs | kDmaSrRbus | kDmaSrNis);
    m_io.write32(kDmaSr, mine); // write 1 to clear
    if (!mine)
        return {};
    hw::IrqEvents ev = hw::IrqEvent::Ours;
    if (sr & kDmaSrRs)
        ev |= hw::IrqEvent::RxReady;
    if (sr & kDmaSrTs)
        ev |= hw::IrqEvent::TxDone;
    if (sr & kDmaSrRbus) // RM0385 ETH_DMASR.RBUS: no free receive descriptor, frames are lost
        ev |= hw::IrqEvent::RxOverrun;
    return ev;
}

Result<void> StmEth::transmit(std::span<const uint8_t> frame)
{
    if (frame.empty() || frame.size() > 1514) {
        m_counters.tx_bad_length++;
        return Error::InvalidArgument;
    }
    auto& d = m_rings.tx[m_tx_next];
    if (vload(d.status) & kOwn) {
        m_counters.tx_busy++;
        return Error::WouldBlock;
    }
    copy_bytes(m_rings.tx_buffer[m_tx_next], frame.data(), frame.size());
    vstore(d.control, uint32_t(frame.size()));
    hw::dma_barrier();
    vstore(d.status, kOwn | kTdesFs | kTdesLs | kTdesTch | kTdesIc);
    hw::dma_barrier();
    m_io.write32(kDmaTpdr, 0); // §38.8.4: any write resumes a suspended transmit DMA
    m_tx_next = (m_tx_next + 1) % kEthTxDescriptors;
    m_counters.tx_frames++;
    return {};
}

Result<size_t> StmEth::receive(std::span<uint8_t> out)
{
    auto& d = m_rings.rx[m_rx_next];
    uint32_t status = vload(d.status);
    if (status & kOwn)
        return Error::WouldBlock;
    size_t index = m_rx_next;
    m_rx_next = (m_rx_next + 1) % kEthRxDescriptors;
    Error error = Error::None;
    uint32_t length = rdes_length(status);
    bool whole = (status & (kRdesFs | kRdesLs)) == (kRdesFs | kRdesLs);
    if ((status & kRdesEs) || !whole || length < 18 || length > kEthBufferSize) {
        m_counters.rx_errors++;
        error = Error::Malformed;
    } else if (length - 4 > out.size()) {
        m_counters.rx_oversize++;
        error = Error::NoSpace;
    } else {
        copy_bytes(out.data(), m_rings.rx_buffer[index], length - 4); // FL counts the FCS
        m_counters.rx_frames++;
    }
    hw::dma_barrier();
    vstore(d.status, kOwn); // hand the buffer back before telling the DMA to look again
    hw::dma_barrier();
    m_io.write32(kDmaRpdr, 0);
    if (error != Error::None)
        return error;
    return size_t(length - 4);
}

} // namespace oh::arm::stm32
