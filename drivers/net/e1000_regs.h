// Intel 82540EM (e1000) registers, bits and descriptor layouts, as QEMU emulates them.
// [82540EM SDM = PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's Manual]
#pragma once

#include <stdint.h>

namespace oh::e1000 {

// 82540EM SDM 13.1, table 13-2: register offsets in BAR0 (memory-mapped, 32-bit access)
enum class Reg : uint32_t {
    Ctrl = 0x0000,
    Status = 0x0008,
    Eerd = 0x0014,
    Icr = 0x00c0,
    Itr = 0x00c4,
    Ims = 0x00d0,
    Imc = 0x00d8,
    Rctl = 0x0100,
    Tctl = 0x0400,
    Tipg = 0x0410,
    Rdbal = 0x2800,
    Rdbah = 0x2804,
    Rdlen = 0x2808,
    Rdh = 0x2810,
    Rdt = 0x2818,
    Rdtr = 0x2820,
    Tdbal = 0x3800,
    Tdbah = 0x3804,
    Tdlen = 0x3808,
    Tdh = 0x3810,
    Tdt = 0x3818,
    Mta = 0x5200, // 128 entries
    Ral0 = 0x5400,
    Rah0 = 0x5404,
    // Statistics (clear on read), 82540EM SDM 13.7
    Crcerrs = 0x4000,
    Mpc = 0x4010,   // missed packets (no descriptor)
    Gprc = 0x4074,  // good packets received
    Gptc = 0x4080,  // good packets transmitted
};

// 82540EM SDM 13.4.1 Device Control
namespace ctrl {
constexpr uint32_t kAsde = 1u << 5;  // auto-speed detection
constexpr uint32_t kSlu = 1u << 6;   // set link up
constexpr uint32_t kRst = 1u << 26;  // device reset (self-clearing)
}
// 82540EM SDM 13.4.2 Device Status
namespace status {
constexpr uint32_t kLu = 1u << 1;    // link up
}
// 82540EM SDM 13.4.4 EEPROM Read
namespace eerd {
constexpr uint32_t kStart = 1u << 0;
constexpr uint32_t kDone = 1u << 4;
constexpr int kAddrShift = 8;
constexpr int kDataShift = 16;
}
// 82540EM SDM 13.4.17 Interrupt Cause Read (and the same bits in IMS/IMC)
namespace irq {
constexpr uint32_t kTxdw = 1u << 0;   // transmit descriptor written back
constexpr uint32_t kTxqe = 1u << 1;   // transmit queue empty
constexpr uint32_t kLsc = 1u << 2;    // link status change
constexpr uint32_t kRxdmt0 = 1u << 4; // receive descriptors minimum threshold
constexpr uint32_t kRxo = 1u << 6;    // receiver overrun
constexpr uint32_t kRxt0 = 1u << 7;   // receive timer
}
// 82540EM SDM 13.4.22 Receive Control
namespace rctl {
constexpr uint32_t kEn = 1u << 1;
constexpr uint32_t kBam = 1u << 15;   // accept broadcast
constexpr uint32_t kBsize2048 = 0u << 16;
constexpr uint32_t kSecrc = 1u << 26; // strip the Ethernet CRC
}
// 82540EM SDM 13.4.33 Transmit Control
namespace tctl {
constexpr uint32_t kEn = 1u << 1;
constexpr uint32_t kPsp = 1u << 3;    // pad short packets
constexpr uint32_t kCt = 0x10u << 4;  // collision threshold
constexpr uint32_t kCold = 0x40u << 12; // collision distance, full duplex
}
// 82540EM SDM 13.4.34 TIPG for IEEE 802.3 copper: IPGT 10, IPGR1 8, IPGR2 6
constexpr uint32_t kTipgCopper = 10u | (8u << 10) | (6u << 20);
// 82540EM SDM 13.5.3 Receive Address High
constexpr uint32_t kRahAddressValid = 1u << 31;

// 82540EM SDM 3.2.3: legacy receive descriptor
struct RxDescriptor {
    uint64_t buffer;
    uint16_t length;
    uint16_t checksum;
    uint8_t status;
    uint8_t errors;
    uint16_t special;
};
static_assert(sizeof(RxDescriptor) == 16);
namespace rxstatus {
constexpr uint8_t kDd = 1u << 0;  // descriptor done
constexpr uint8_t kEop = 1u << 1; // end of packet
}

// 82540EM SDM 3.3.3: legacy transmit descriptor
struct TxDescriptor {
    uint64_t buffer;
    uint16_t length;
    uint8_t cso;
    uint8_t cmd;
    uint8_t status;
    uint8_t css;
    uint16_t special;
};
static_assert(sizeof(TxDescriptor) == 16);
namespace txcmd {
constexpr uint8_t kEop = 1u << 0;
constexpr uint8_t kIfcs = 1u << 1; // insert FCS
constexpr uint8_t kRs = 1u << 3;   // report status (DD)
}
namespace txstatus {
constexpr uint8_t kDd = 1u << 0;
}

} // namespace oh::e1000
