// SMSC LAN9118 register map (LAN9118 datasheet rev. 1.5, §5 "Register Description").
#pragma once

#include <stdint.h>

namespace oh::arm::lan9118 {

// §5.1 System control and status registers (directly addressed, 32-bit).
enum class Reg : uint32_t {
    RxDataFifo = 0x00,
    TxDataFifo = 0x20,
    RxStatusFifo = 0x40,
    RxStatusPeek = 0x44,
    TxStatusFifo = 0x48,
    TxStatusPeek = 0x4C,
    IdRev = 0x50,
    IrqCfg = 0x54,
    IntSts = 0x58,
    IntEn = 0x5C,
    ByteTest = 0x64,
    FifoInt = 0x68,
    RxCfg = 0x6C,
    TxCfg = 0x70,
    HwCfg = 0x74,
    RxDpCtrl = 0x78,
    RxFifoInf = 0x7C,
    TxFifoInf = 0x80,
    PmtCtrl = 0x84,
    FreeRun = 0x9C,
    RxDrop = 0xA0,
    MacCsrCmd = 0xA4,
    MacCsrData = 0xA8,
};
constexpr uint32_t off(Reg r) { return uint32_t(r); }

constexpr uint32_t kByteTestValue = 0x87654321u;  // §5.3.13: endianness/readiness probe
constexpr uint16_t kChipId = 0x0118;             // ID_REV[31:16]

// §5.3.3 IRQ_CFG.
constexpr uint32_t kIrqCfgEnable = 1u << 8;
constexpr uint32_t kIrqCfgPushPull = 1u << 0;
constexpr uint32_t kIrqCfgActiveHigh = 1u << 4;
// §5.3.4 INT_STS / INT_EN.
constexpr uint32_t kIntRxStatusLevel = 1u << 3;  // RSFL
constexpr uint32_t kIntRxDropped = 1u << 6;      // RXDF
constexpr uint32_t kIntTxError = 1u << 13;       // TXE
constexpr uint32_t kIntRxError = 1u << 14;       // RXE
// §5.3.8 TX_CFG.
constexpr uint32_t kTxCfgTxOn = 1u << 1;
constexpr uint32_t kTxCfgStatusOverrun = 1u << 2; // TXSAO: we do not read TX status
// §5.3.9 HW_CFG.
constexpr uint32_t kHwCfgSoftReset = 1u << 0;
// §5.3.10 RX_DP_CTRL.
constexpr uint32_t kRxDpFastForward = 1u << 31;
// §5.3.11-12 RX/TX_FIFO_INF.
constexpr uint32_t rx_status_used(uint32_t inf) { return (inf >> 16) & 0xff; }
constexpr uint32_t tx_data_free(uint32_t inf) { return inf & 0xffff; }
// §5.3.14 PMT_CTRL.
constexpr uint32_t kPmtReady = 1u << 0;
// §5.3.15-16 MAC_CSR_CMD.
constexpr uint32_t kCsrBusy = 1u << 31;
constexpr uint32_t kCsrRead = 1u << 30;

// §3.13.3 RX status word.
constexpr uint32_t rx_status_length(uint32_t s) { return (s >> 16) & 0x3fff; } // includes FCS
constexpr uint32_t kRxStatusError = 1u << 15;

// §3.12.2 TX command A/B.
constexpr uint32_t kTxCmdAFirst = 1u << 13;
constexpr uint32_t kTxCmdALast = 1u << 12;

// §5.4 MAC control and status registers (indirect, through MAC_CSR_CMD/DATA).
enum class MacReg : uint8_t {
    MacCr = 1,
    AddrH = 2,
    AddrL = 3,
    MiiAcc = 6,
    MiiData = 7,
};
constexpr uint32_t kMacCrRxEnable = 1u << 2;
constexpr uint32_t kMacCrTxEnable = 1u << 3;
constexpr uint32_t kMacCrFullDuplex = 1u << 20;
// §5.4.6 MII_ACC.
constexpr uint32_t kMiiBusy = 1u << 0;
constexpr uint32_t kMiiWrite = 1u << 1;
constexpr uint32_t kInternalPhy = 1;
// IEEE 802.3 clause 22 basic control: reset, auto-negotiation enable/restart.
constexpr uint32_t kPhyBasicControl = 0;
constexpr uint32_t kPhyReset = 1u << 15;
constexpr uint32_t kPhyAutoNeg = (1u << 12) | (1u << 9);

} // namespace oh::arm::lan9118
