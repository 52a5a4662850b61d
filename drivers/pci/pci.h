// PCI bus enumeration through configuration mechanism #1, BAR decoding, command register.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace oh::pci {

struct Address {
    uint8_t bus { 0 };
    uint8_t device { 0 };
    uint8_t function { 0 };
};

// Configuration space access (ports 0xcf8/0xcfc in the kernel, a table in tests).
class ConfigSpace {
public:
    virtual uint32_t read32(Address a, uint8_t offset) = 0;
    virtual void write32(Address a, uint8_t offset, uint32_t value) = 0;

    uint16_t read16(Address a, uint8_t offset) { return uint16_t(read32(a, offset & ~3) >> ((offset & 2) * 8)); }
    uint8_t read8(Address a, uint8_t offset) { return uint8_t(read32(a, offset & ~3) >> ((offset & 3) * 8)); }
    void write16(Address a, uint8_t offset, uint16_t v);

protected:
    ~ConfigSpace() = default;
};

// [PCI Local Bus 3.0 §6.1] type 0 header offsets
enum class Reg : uint8_t {
    VendorId = 0x00,
    DeviceId = 0x02,
    Command = 0x04,
    Status = 0x06,
    RevisionClass = 0x08,
    HeaderType = 0x0e,
    Bar0 = 0x10,
    InterruptLine = 0x3c,
    InterruptPin = 0x3d,
};

// [PCI 3.0 §6.2.2] command register bits
namespace command {
constexpr uint16_t kIoSpace = 1 << 0;
constexpr uint16_t kMemorySpace = 1 << 1;
constexpr uint16_t kBusMaster = 1 << 2;
constexpr uint16_t kInterruptDisable = 1 << 10;
}

struct Bar {
    enum class Kind : uint8_t { None, Io, Memory } kind { Kind::None };
    uint64_t base { 0 };
    uint64_t size { 0 };
    bool is_64bit { false };
    bool prefetchable { false };
};

struct Device {
    Address address;
    uint16_t vendor { 0 };
    uint16_t device { 0 };
    uint8_t class_code { 0 };
    uint8_t subclass { 0 };
    uint8_t prog_if { 0 };
    uint8_t revision { 0 };
    uint8_t interrupt_line { 0xff }; // legacy IRQ the firmware assigned (0xff: none)
    uint8_t interrupt_pin { 0 };     // 1..4 = INTA#..INTD#, 0 = none
    Bar bars[6];
};

// Scan every bus/device/function; returns how many devices were written to `out` (at most
// `max`). BARs are sized by the all-ones probe with decoding switched off meanwhile.
size_t enumerate(ConfigSpace& cfg, Device* out, size_t max);

// Turn on I/O and/or memory decoding and bus mastering; legacy INTx stays enabled.
void enable(ConfigSpace& cfg, const Device& dev, bool bus_master);

const Device* find(const Device* devs, size_t n, uint16_t vendor, uint16_t device);

} // namespace oh::pci
