// A behavioural model of the LAN9118's register file (FIFOs, indirect MAC CSRs, PHY) for
// testing the driver on the host.
#pragma once

#include <stdint.h>

#include <deque>
#include <map>
#include <vector>

#include "lib/bytes.h"
#include "drivers/lan9118/lan9118_regs.h"
#include "lib/hw/io.h"

namespace oh::arm::test {

class MockLan9118 final : public hw::Mmio {
public:
    struct RxFrame {
        std::vector<uint8_t> bytes; // including the 4-byte FCS
        bool error { false };
    };

    // LAN9118 datasheet §5.3 "System Control and Status Registers": BYTE_TEST always reads
    // 0x87654321 (what a wrong bus width or byte order garbles); ID_REV holds the chip ID
    // 0x0118 in [31:16] and the revision in [15:0] (QEMU's model: 0x01180001).
    uint32_t byte_test { 0x87654321 };
    uint32_t id_rev { 0x01180001 };
    bool reset_sticks { false };           // a broken chip that never leaves reset
    uint32_t tx_free { 4608 };
    uint32_t mac_regs[16] {};
    std::vector<std::pair<uint32_t, uint16_t>> phy_writes;
    std::vector<std::vector<uint8_t>> tx_frames;
    std::deque<RxFrame> rx;
    uint32_t int_sts { 0 }, int_en { 0 }, irq_cfg { 0 }, tx_cfg { 0 }, rx_cfg { 0 }, hw_cfg { 0 };
    int resets { 0 };
    int fast_forwards { 0 };

    void queue_rx(std::vector<uint8_t> frame, bool error = false)
    {
        for (int i = 0; i < 4; i++)
            frame.push_back(0xee); // FCS placeholder: the driver must strip it
        rx.push_back({ std::move(frame), error });
        int_sts |= lan9118::kIntRxStatusLevel;
    }

    uint32_t read32(uint32_t offset) override
    {
        using lan9118::Reg;
        switch (Reg(offset)) {
        case Reg::ByteTest: return byte_test;
        case Reg::IdRev: return id_rev;
        case Reg::HwCfg: return hw_cfg;
        case Reg::PmtCtrl: return (hw_cfg & lan9118::kHwCfgSoftReset) ? 0 : lan9118::kPmtReady;
        case Reg::MacCsrCmd: return 0; // operations complete at once
        case Reg::MacCsrData: return m_csr_data;
        case Reg::IntSts: return int_sts;
        case Reg::IntEn: return int_en;
        case Reg::TxFifoInf: return tx_free;
        case Reg::RxFifoInf: return uint32_t(rx.size()) << 16;
        case Reg::RxDpCtrl: return 0;
        case Reg::RxStatusFifo: return pop_status();
        case Reg::RxDataFifo: return pop_data();
        default: return 0;
        }
    }

    void write32(uint32_t offset, uint32_t v) override
    {
        using lan9118::Reg;
        switch (Reg(offset)) {
        case Reg::HwCfg:
            if (v & lan9118::kHwCfgSoftReset) {
                resets++;
                hw_cfg = reset_sticks ? v : (v & ~lan9118::kHwCfgSoftReset);
            }
            break;
        case Reg::MacCsrData: m_csr_data = v; break;
        case Reg::MacCsrCmd: csr(v); break;
        case Reg::IntSts: int_sts &= ~v; break;
        case Reg::IntEn: int_en = v; break;
        case Reg::IrqCfg: irq_cfg = v; break;
        case Reg::TxCfg: tx_cfg = v; break;
        case Reg::RxCfg: rx_cfg = v; break;
        case Reg::TxDataFifo: tx_word(v); break;
        case Reg::RxDpCtrl:
            if (v & lan9118::kRxDpFastForward) {
                fast_forwards++;
                m_rx_data.clear();
            }
            break;
        default: break;
        }
    }

private:
    void csr(uint32_t cmd)
    {
        uint32_t reg = cmd & 0xff;
        if (cmd & lan9118::kCsrRead) {
            m_csr_data = mac_regs[reg & 15];
            return;
        }
        mac_regs[reg & 15] = m_csr_data;
        if (reg == uint32_t(lan9118::MacReg::MiiAcc) && (m_csr_data & lan9118::kMiiWrite)) {
            phy_writes.push_back({ (m_csr_data >> 6) & 31, uint16_t(mac_regs[uint32_t(lan9118::MacReg::MiiData)]) });
            mac_regs[reg] &= ~lan9118::kMiiBusy;
        }
    }

    // §3.12: command A, command B, then ceil(len/4) data words.
    void tx_word(uint32_t v)
    {
        m_tx_words.push_back(v);
        if (m_tx_words.size() < 2)
            return;
        uint32_t len = m_tx_words[0] & 0x7ff;
        if (m_tx_words.size() < 2 + (len + 3) / 4)
            return;
        std::vector<uint8_t> frame((len + 3) / 4 * 4);
        for (size_t i = 2; i < m_tx_words.size(); i++)
            store_le32(frame.data() + 4 * (i - 2), m_tx_words[i]);
        frame.resize(len);
        m_tx_cmd_b.push_back(m_tx_words[1]);
        tx_frames.push_back(frame);
        m_tx_words.clear();
    }

    uint32_t pop_status()
    {
        if (rx.empty())
            return 0;
        RxFrame f = rx.front();
        rx.pop_front();
        m_rx_data.clear();
        for (size_t i = 0; i < f.bytes.size(); i += 4) {
            uint8_t w[4] {};
            for (size_t j = 0; j < 4 && i + j < f.bytes.size(); j++)
                w[j] = f.bytes[i + j];
            m_rx_data.push_back(load_le32(w));
        }
        return (uint32_t(f.bytes.size()) << 16) | (f.error ? lan9118::kRxStatusError : 0);
    }

    uint32_t pop_data()
    {
        if (m_rx_data.empty())
            return 0xdeadbeef; // reading past the packet: the driver's bug, visible in data
        uint32_t v = m_rx_data.front();
        m_rx_data.pop_front();
        return v;
    }

    uint32_t m_csr_data { 0 };
    std::vector<uint32_t> m_tx_words;
    std::deque<uint32_t> m_rx_data;

public:
    std::vector<uint32_t> m_tx_cmd_b;
};

struct NoDelay final : hw::Delay {
    void delay_us(uint32_t) override { }
};

} // namespace oh::arm::test
