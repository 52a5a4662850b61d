// ACPI RSDP/RSDT/XSDT walk and MADT parsing. Every length is checked before it is used:
// firmware tables are input like any other.
#include "lib/acpi/madt.h"

#include "lib/bytes.h"

namespace oh {

namespace {
constexpr size_t kHeaderSize = 36;

uint8_t checksum(std::span<const uint8_t> bytes)
{
    uint8_t sum = 0;
    for (uint8_t b : bytes)
        sum = uint8_t(sum + b);
    return sum;
}
} // namespace

InterruptOverride MadtInfo::isa_irq(uint8_t irq) const
{
    for (size_t i = 0; i < override_count; i++)
        if (overrides[i].source == irq)
            return overrides[i];
    return { irq, irq, false, false };
}

Result<void> validate_table(std::span<const uint8_t> table, const char signature[4])
{
    if (table.size() < kHeaderSize)
        return { Error::Malformed, "ACPI table shorter than its header" };
    if (compare_bytes(table.data(), signature, 4) != 0)
        return { Error::Malformed, "ACPI signature mismatch" };
    uint32_t length = load_le32(&table[4]);
    if (length < kHeaderSize || length > table.size())
        return { Error::Malformed, "ACPI table length" };
    if (checksum(table.first(length)) != 0)
        return { Error::Checksum, "ACPI table checksum" };
    return {};
}

Result<MadtInfo> parse_madt(std::span<const uint8_t> table)
{
    TRY(validate_table(table, "APIC"));
    uint32_t length = load_le32(&table[4]);
    if (length < kHeaderSize + 8)
        return { Error::Malformed, "MADT too short" };
    MadtInfo info;
    info.lapic_address = load_le32(&table[kHeaderSize]);
    info.has_8259 = load_le32(&table[kHeaderSize + 4]) & 1;
    size_t off = kHeaderSize + 8;
    while (off + 2 <= length) {
        uint8_t type = table[off];
        uint8_t len = table[off + 1];
        if (len < 2 || off + len > length)
            return { Error::Malformed, "MADT entry overruns the table" };
        const uint8_t* e = &table[off];
        switch (type) {
        case 0: // Processor Local APIC
            if (len < 8)
                return { Error::Malformed, "short LAPIC entry" };
            // flags bit 0: enabled; bit 1: online capable (may be enabled later)
            if ((load_le32(e + 4) & 3) && info.cpu_count < MadtInfo::kMaxCpus)
                info.cpu_apic_ids[info.cpu_count++] = e[3];
            break;
        case 1: // I/O APIC
            if (len < 12)
                return { Error::Malformed, "short IO-APIC entry" };
            if (info.ioapic_count < MadtInfo::kMaxIoApics)
                info.ioapics[info.ioapic_count++] = { e[2], load_le32(e + 4), load_le32(e + 8) };
            break;
        case 2: { // Interrupt Source Override
            if (len < 10)
                return { Error::Malformed, "short override entry" };
            uint16_t flags = load_le16(e + 8);
            // MPS INTI flags: polarity bits 0-1 (3 = active low), trigger bits 2-3 (3 = level)
            if (info.override_count < MadtInfo::kMaxOverrides)
                info.overrides[info.override_count++] = { e[3], load_le32(e + 4), (flags & 3) == 3,
                                                          ((flags >> 2) & 3) == 3 };
            break;
        }
        case 5: // Local APIC Address Override
            if (len < 12)
                return { Error::Malformed, "short LAPIC override" };
            info.lapic_address = load_le64(e + 4);
            break;
        default:
            break;
        }
        off += len;
    }
    if (info.cpu_count == 0)
        return { Error::Malformed, "MADT lists no CPU" };
    return info;
}

Result<uint64_t> find_table(std::span<const uint8_t> rsdp, PhysReader& mem, const char signature[4])
{
    // [ACPI 6.4 §5.2.5.3] RSDP: "RSD PTR ", checksum over 20 bytes, revision at 15.
    if (rsdp.size() < 20 || compare_bytes(rsdp.data(), "RSD PTR ", 8) != 0)
        return { Error::Malformed, "bad RSDP" };
    if (checksum(rsdp.first(20)) != 0)
        return { Error::Checksum, "RSDP checksum" };
    bool xsdt = rsdp[15] >= 2 && rsdp.size() >= 36 && load_le64(&rsdp[24]) != 0;
    uint64_t root = xsdt ? load_le64(&rsdp[24]) : load_le32(&rsdp[16]);
    auto head = mem.read(root, kHeaderSize);
    if (head.size() < kHeaderSize)
        return Error::Unreachable;
    uint32_t length = load_le32(&head[4]);
    if (length > 64 * 1024)
        return { Error::Malformed, "root table too long" };
    auto table = mem.read(root, length);
    TRY(validate_table(table, xsdt ? "XSDT" : "RSDT"));
    size_t entry = xsdt ? 8 : 4;
    for (size_t off = kHeaderSize; off + entry <= length; off += entry) {
        uint64_t addr = xsdt ? load_le64(&table[off]) : load_le32(&table[off]);
        auto h = mem.read(addr, kHeaderSize);
        if (h.size() >= 4 && compare_bytes(h.data(), signature, 4) == 0)
            return addr;
    }
    return Error::NotFound;
}

} // namespace oh
