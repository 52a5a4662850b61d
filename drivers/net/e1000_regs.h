// Intel 82540EM (e1000) registers, bits and legacy descriptors, as types. Section numbers
// refer to the PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's Manual
// (8254x SDM, rev. 4.0), abbreviated "82540EM SDM".
#pragma once

#include <stdint.h>

namespace oh::drivers::e1000 {

// 82540EM SDM 13.1, Table 13-2: register offsets from BAR0.
enum class Reg : uint32_t {
    Ctrl = 0x0000,    // 13.4.1 Device Control
    Status = 0x0008,  // 13.4.2 Device Status
    Eecd = 0x0010,    // 13.4.3 EEPROM/Flash Control
    Eerd = 0x0014,    // 13.4.4 EEPROM Read
    CtrlExt = 0x0018, // 13.4.6 Extended Device Control
    Icr = 0x00c0,     // 13.4.17 Interrupt Cause Read (read to clear)
    Itr = 0x00c4,     // 13.4.18 Interrupt Throttling
    Ics = 0x00c8,     // 13.4.19 Interrupt Cause Set
    Ims = 0x00d0,     // 13.4.20 Interrupt Mask Set/Read
    Imc = 0x00d8,     // 13.4.21 Interrupt Mask Clear
    Rctl = 0x0100,    // 13.4.22 Receive Control
    Tctl = 0x0400,    // 13.4.33 Transmit Control
    Tipg = 0x0410,    // 13.4.34 Transmit IPG
    Rdbal = 0x2800,   // 13.4.25 Receive Descriptor Base Address Low
    Rdbah = 0x2804,   // 13.4.26 ... High
    Rdlen = 0x2808,   // 13.4.27 Receive Descriptor Length
    Rdh = 0x2810,     // 13.4.28 Receive Descriptor Head
    Rdt = 0x2818,     // 13.4.29 Receive Descriptor Tail
    Rdtr = 0x2820,    // 13.4.30 Receive hw::Delay Timer
    Tdbal = 0x3800,   // 13.4.36 Transmit Descriptor Base Address Low
    Tdbah = 0x3804,   // 13.4.37 ... High
    Tdlen = 0x3808,   // 13.4.38 Transmit Descriptor Length
    Tdh = 0x3810,     // 13.4.39 Transmit Descriptor Head
    Tdt = 0x3818,     // 13.4.40 Transmit Descriptor Tail
    Tidv = 0x3820,    // 13.4.41 Transmit Interrupt hw::Delay
    Crcerrs = 0x4000, // 13.5.1 CRC Error Count (statistics clear on read)
    Mpc = 0x4010,     // 13.5.5 Missed Packets Count
    Gprc = 0x4074,    // 13.5.21 Good Packets Received
    Gptc = 0x4080,    // 13.5.23 Good Packets Transmitted
    Mta = 0x5200,     // 13.4.54 Multicast Table Array, 128 entries
    Ral0 = 0x5400,    // 13.4.55 Receive Address Low (entry 0)
    Rah0 = 0x5404,    // 13.4.56 Receive Address High (entry 0)
};

constexpr uint32_t kMtaEntries = 128;

constexpr uint32_t bit(unsigned n) { return uint32_t(1) << n; }

// 82540EM SDM 13.4.1, Table 13-3.
namespace ctrl {
constexpr uint32_t kFullDuplex = bit(0);
constexpr uint32_t kLinkReset = bit(3);
constexpr uint32_t kAutoSpeedDetect = bit(5); // ASDE
constexpr uint32_t kSetLinkUp = bit(6);       // SLU
constexpr uint32_t kInvertLoss = bit(7);      // ILOS
constexpr uint32_t kReset = bit(26);          // RST, self-clearing
constexpr uint32_t kVlanEnable = bit(30);
constexpr uint32_t kPhyReset = bit(31);
}

// 82540EM SDM 13.4.2, Table 13-5.
namespace status {
constexpr uint32_t kFullDuplex = bit(0);
constexpr uint32_t kLinkUp = bit(1);
constexpr uint32_t kSpeedShift = 6; // 00 10, 01 100, 1x 1000 Mb/s
constexpr uint32_t kSpeedMask = 3u << kSpeedShift;
}

// 82540EM SDM 13.4.4, Table 13-7 (the 82540EM layout; the 82541/82547 differ).
namespace eerd {
constexpr uint32_t kStart = bit(0);
constexpr uint32_t kDone = bit(4);
constexpr uint32_t kAddressShift = 8;
constexpr uint32_t kDataShift = 16;
}

// 82574L datasheet 10.2.2.9 (EERD): the 82571-and-later layout QEMU's e1000e models.
namespace eerd_82574 {
constexpr uint32_t kStart = bit(0);
constexpr uint32_t kDone = bit(1);
constexpr uint32_t kAddressShift = 2;
constexpr uint32_t kDataShift = 16;
}

// 82540EM SDM 13.4.17, Table 13-15: the same bits serve ICR, ICS, IMS and IMC.
namespace irq {
constexpr uint32_t kTxDescWritten = bit(0); // TXDW
constexpr uint32_t kTxQueueEmpty = bit(1);  // TXQE
constexpr uint32_t kLinkStatusChange = bit(2); // LSC
constexpr uint32_t kRxSequenceError = bit(3);  // RXSEQ
constexpr uint32_t kRxDescMinThreshold = bit(4); // RXDMT0
constexpr uint32_t kRxOverrun = bit(6);  // RXO
constexpr uint32_t kRxTimer = bit(7);    // RXT0
constexpr uint32_t kAll = 0xffffffff;
}

// 82540EM SDM 13.4.22, Table 13-23.
namespace rctl {
constexpr uint32_t kEnable = bit(1);
constexpr uint32_t kStoreBadPackets = bit(2);
constexpr uint32_t kUnicastPromiscuous = bit(3);
constexpr uint32_t kMulticastPromiscuous = bit(4);
constexpr uint32_t kLongPackets = bit(5);
constexpr uint32_t kMinThresholdHalf = 0u << 8; // RDMTS: interrupt at 1/2 ring free
constexpr uint32_t kBroadcastAccept = bit(15);
constexpr uint32_t kBufferSize2048 = 0u << 16; // BSIZE 00 with BSEX 0
constexpr uint32_t kStripCrc = bit(26);        // SECRC
}

// 82540EM SDM 13.4.33, Table 13-34.
namespace tctl {
constexpr uint32_t kEnable = bit(1);
constexpr uint32_t kPadShortPackets = bit(3); // PSP
constexpr uint32_t kCollisionThresholdShift = 4;
constexpr uint32_t kCollisionDistanceShift = 12;
// 14.5: CT 0x0F; COLD 0x40 for full duplex (0x200 would be for half duplex).
constexpr uint32_t kRecommended = kEnable | kPadShortPackets | (0x0fu << kCollisionThresholdShift)
    | (0x40u << kCollisionDistanceShift);
}

// 82540EM SDM 13.4.34, Table 13-36: IPGT 10, IPGR1 8, IPGR2 6 for IEEE 802.3 copper.
constexpr uint32_t kTipgCopper = 10u | (8u << 10) | (6u << 20);

// 82540EM SDM 13.4.56: RAH.AV marks the receive address entry valid.
constexpr uint32_t kRahAddressValid = bit(31);

// 82540EM SDM 3.2.3, Figure 3-1: the legacy receive descriptor.
struct RxDescriptor {
    uint64_t buffer;
    uint16_t length;
    uint16_t checksum;
    uint8_t status;
    uint8_t errors;
    uint16_t special;
};
static_assert(sizeof(RxDescriptor) == 16);

// 3.2.3.1, Table 3-2 / 3.2.3.2, Table 3-3.
namespace rx_status {
constexpr uint8_t kDone = 1u << 0;       // DD
constexpr uint8_t kEndOfPacket = 1u << 1; // EOP
}
namespace rx_error {
constexpr uint8_t kCrc = 1u << 0;      // CE
constexpr uint8_t kSymbol = 1u << 1;   // SE
constexpr uint8_t kSequence = 1u << 2; // SEQ
constexpr uint8_t kCarrierExt = 1u << 4; // CXE
constexpr uint8_t kRxData = 1u << 7;   // RXE
constexpr uint8_t kFrameErrors = kCrc | kSymbol | kSequence | kCarrierExt | kRxData;
}

// 82540EM SDM 3.3.3, Figure 3-2: the legacy transmit descriptor.
struct TxDescriptor {
    uint64_t buffer;
    uint16_t length;
    uint8_t cso;
    uint8_t command;
    uint8_t status;
    uint8_t css;
    uint16_t special;
};
static_assert(sizeof(TxDescriptor) == 16);

// 3.3.3.1, Table 3-10 / 3.3.3.2, Table 3-11.
namespace tx_command {
constexpr uint8_t kEndOfPacket = 1u << 0; // EOP
constexpr uint8_t kInsertFcs = 1u << 1;   // IFCS
constexpr uint8_t kReportStatus = 1u << 3; // RS: write DD back when done
}
namespace tx_status {
constexpr uint8_t kDone = 1u << 0;            // DD
constexpr uint8_t kExcessCollisions = 1u << 1; // EC
constexpr uint8_t kLateCollision = 1u << 2;   // LC
}

// 82540EM SDM 5.6.1, Table 5-2: EEPROM words 0-2 hold the MAC address, low byte first.
constexpr uint8_t kEepromMacWords = 3;

} // namespace oh::drivers::e1000
