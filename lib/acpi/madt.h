// ACPI table discovery (RSDP -> RSDT/XSDT) and the MADT: CPUs, IO-APICs, overrides (pure).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/result.h"

namespace oh {

struct InterruptOverride {
    uint8_t source;   // ISA IRQ
    uint32_t gsi;     // where it really arrives
    bool active_low;
    bool level;
};

struct MadtInfo {
    static constexpr size_t kMaxCpus = 16;
    static constexpr size_t kMaxIoApics = 4;
    static constexpr size_t kMaxOverrides = 16;
    uint64_t lapic_address { 0xfee00000 };
    uint8_t cpu_apic_ids[kMaxCpus];
    size_t cpu_count { 0 };
    struct IoApic {
        uint8_t id;
        uint32_t address;
        uint32_t gsi_base;
    } ioapics[kMaxIoApics];
    size_t ioapic_count { 0 };
    InterruptOverride overrides[kMaxOverrides];
    size_t override_count { 0 };
    bool has_8259 { false };

    // The GSI and polarity/trigger for an ISA IRQ, after overrides (ISA default: edge, high).
    InterruptOverride isa_irq(uint8_t irq) const;
};

// Checks signature, length and checksum of an ACPI table header. [ACPI 6.4 §5.2.6]
Result<void> validate_table(std::span<const uint8_t> table, const char signature[4]);

// [ACPI 6.4 §5.2.12] Multiple APIC Description Table.
Result<MadtInfo> parse_madt(std::span<const uint8_t> table);

// Reads physical memory for the table walk (the kernel maps it; tests give a fake).
class PhysReader {
public:
    virtual std::span<const uint8_t> read(uint64_t phys, size_t len) = 0;

protected:
    ~PhysReader() = default;
};

// Walks RSDT or XSDT from the RSDP and returns the physical address of a table.
Result<uint64_t> find_table(std::span<const uint8_t> rsdp, PhysReader& mem, const char signature[4]);

} // namespace oh
