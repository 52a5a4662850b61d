// LAN9118 driver: soft reset, indirect MAC/PHY access, TX/RX data FIFOs (datasheet §3.12-13).
#include "drivers/lan9118/lan9118.h"

#include "lib/bytes.h"

namespace oh::arm {

using namespace lan9118;

uint32_t Lan9118::read(Reg r) { return m_io.read32(off(r)); }
void Lan9118::write(Reg r, uint32_t v) { m_io.write32(off(r), v); }

bool Lan9118::probe(hw::Mmio& io)
{
    return io.read32(off(Reg::ByteTest)) == kByteTestValue && (io.read32(off(Reg::IdRev)) >> 16) == kChipId;
}

Result<Lan9118> Lan9118::create(hw::Mmio& io, hw::Delay& delay, const net::MacAddress& fallback)
{
    if (!probe(io))
        return ErrorInfo(Error::NotFound, "no lan9118 (BYTE_TEST/ID_REV)");
    Lan9118 nic(io, delay);
    TRY(nic.initialize(fallback));
    return nic;
}

Result<void> Lan9118::wait_csr_idle()
{
    for (uint32_t i = 0; i < kPollLimit; i++)
        if (!(read(Reg::MacCsrCmd) & kCsrBusy))
            return {};
    return Error::Timeout;
}

// §5.3.15: write the command with CSR_BUSY set, then wait for the chip to clear it.
Result<uint32_t> Lan9118::mac_read(MacReg r)
{
    TRY(wait_csr_idle());
    write(Reg::MacCsrCmd, kCsrBusy | kCsrRead | uint32_t(r));
    TRY(wait_csr_idle());
    return read(Reg::MacCsrData);
}

Result<void> Lan9118::mac_write(MacReg r, uint32_t v)
{
    TRY(wait_csr_idle());
    write(Reg::MacCsrData, v);
    write(Reg::MacCsrCmd, kCsrBusy | uint32_t(r));
    return wait_csr_idle();
}

// §5.4.6: MII_ACC holds PHY address [15:11], register [10:6], write [1], busy [0].
Result<void> Lan9118::phy_write(uint32_t reg, uint16_t value)
{
    TRY(mac_write(MacReg::MiiData, value));
    TRY(mac_write(MacReg::MiiAcc, (kInternalPhy << 11) | (reg << 6) | kMiiWrite | kMiiBusy));
    for (uint32_t i = 0; i < kPollLimit; i++)
        if (!(TRY(mac_read(MacReg::MiiAcc)) & kMiiBusy))
            return {};
    return Error::Timeout;
}

Result<void> Lan9118::initialize(const net::MacAddress& fallback)
{
    write(Reg::HwCfg, read(Reg::HwCfg) | kHwCfgSoftReset);
    bool ready = false;
    for (uint32_t i = 0; i < kPollLimit && !ready; i++)
        ready = !(read(Reg::HwCfg) & kHwCfgSoftReset) && (read(Reg::PmtCtrl) & kPmtReady);
    if (!ready)
        return ErrorInfo(Error::Timeout, "lan9118 reset");

    TRY(phy_write(kPhyBasicControl, kPhyReset));
    m_delay.delay_us(1000);
    TRY(phy_write(kPhyBasicControl, kPhyAutoNeg));

    // The EEPROM (QEMU: the -nic mac=) preloads ADDRH/ADDRL; keep it when present.
    uint32_t lo = TRY(mac_read(MacReg::AddrL));
    uint32_t hi = TRY(mac_read(MacReg::AddrH));
    uint8_t bytes[8];
    store_le32(bytes, lo);
    store_le32(bytes + 4, hi);
    m_mac = net::MacAddress::from(bytes);
    if (m_mac.is_zero() || m_mac.is_multicast()) {
        m_mac = fallback;
        TRY(mac_write(MacReg::AddrL, load_le32(m_mac.bytes)));
        TRY(mac_write(MacReg::AddrH, load_le16(m_mac.bytes + 4)));
    }

    write(Reg::TxCfg, kTxCfgTxOn | kTxCfgStatusOverrun);
    write(Reg::RxCfg, 0); // no end padding, no offset: frames start word-aligned
    TRY(mac_write(MacReg::MacCr, kMacCrTxEnable | kMacCrRxEnable | kMacCrFullDuplex));
    write(Reg::FifoInt, 0);     // RSFL fires as soon as one status is queued
    write(Reg::IntSts, 0xffffffffu);
    write(Reg::IntEn, kIntRxStatusLevel);
    write(Reg::IrqCfg, kIrqCfgEnable | kIrqCfgPushPull | kIrqCfgActiveHigh);
    return {};
}

hw::IrqEvents Lan9118::handle_irq()
{
    m_counters.irqs++;
    uint32_t status = read(Reg::IntSts);
    // RSFL is a level: it stays set while statuses are queued, so mask it until the
    // thread has drained the FIFO (receive() re-enables it when empty).
    if (status & kIntRxStatusLevel)
        write(Reg::IntEn, 0);
    write(Reg::IntSts, status);
    if (!status)
        return {};
    hw::IrqEvents ev = hw::IrqEvent::Ours;
    if (status & kIntRxStatusLevel)
        ev |= hw::IrqEvent::RxReady;
    return ev;
}

Result<void> Lan9118::transmit(std::span<const uint8_t> frame)
{
    if (frame.empty() || frame.size() > 1514) {
        m_counters.tx_bad_length++;
        return Error::InvalidArgument;
    }
    uint32_t words = uint32_t((frame.size() + 3) / 4);
    if (tx_data_free(read(Reg::TxFifoInf)) < words * 4 + 8) {
        m_counters.tx_full++;
        return Error::WouldBlock;
    }
    uint32_t len = uint32_t(frame.size());
    write(Reg::TxDataFifo, kTxCmdAFirst | kTxCmdALast | len);
    write(Reg::TxDataFifo, (len << 16) | len); // command B: tag = length, packet length
    size_t i = 0;
    for (; i + 4 <= frame.size(); i += 4)
        write(Reg::TxDataFifo, load_le32(frame.data() + i));
    if (i < frame.size()) {
        uint8_t tail[4] {};
        copy_bytes(tail, frame.data() + i, frame.size() - i);
        write(Reg::TxDataFifo, load_le32(tail));
    }
    m_counters.tx_frames++;
    return {};
}

void Lan9118::discard_rx(uint32_t words)
{
    // §3.13.4: fast-forward needs at least 4 words; shorter ones are read out.
    if (words >= 4) {
        write(Reg::RxDpCtrl, kRxDpFastForward);
        for (uint32_t i = 0; i < kPollLimit && (read(Reg::RxDpCtrl) & kRxDpFastForward); i++) { }
        return;
    }
    for (uint32_t i = 0; i < words; i++)
        (void)read(Reg::RxDataFifo); // data being discarded, not a Result
}

Result<size_t> Lan9118::receive(std::span<uint8_t> out)
{
    if (rx_status_used(read(Reg::RxFifoInf)) == 0) {
        write(Reg::IntEn, kIntRxStatusLevel);
        return Error::WouldBlock;
    }
    uint32_t status = read(Reg::RxStatusFifo);
    uint32_t length = rx_status_length(status);
    uint32_t words = (length + 3) / 4;
    if ((status & kRxStatusError) || length < 4 + 14) {
        m_counters.rx_errors++;
        discard_rx(words);
        return Error::Malformed;
    }
    size_t payload = length - 4; // the FCS is stored in the FIFO too
    if (payload > out.size()) {
        m_counters.rx_oversize++;
        discard_rx(words);
        return Error::NoSpace;
    }
    for (uint32_t w = 0; w < words; w++) {
        uint8_t bytes[4];
        store_le32(bytes, read(Reg::RxDataFifo));
        size_t at = size_t(w) * 4;
        if (at < payload)
            copy_bytes(out.data() + at, bytes, payload - at < 4 ? payload - at : 4);
    }
    m_counters.rx_frames++;
    return payload;
}

} // namespace oh::arm
