// Multiboot2 boot information parser. [multiboot2 spec §3.6]
#include "lib/boot/multiboot2.h"

#include "lib/bytes.h"

namespace oh {

namespace {
enum class Tag : uint32_t { End = 0, Cmdline = 1, Module = 3, MemoryMap = 6, AcpiOld = 14, AcpiNew = 15 };
}

Result<void> parse_multiboot2(std::span<const uint8_t> info, BootInfo& out)
{
    if (info.size() < 8)
        return { Error::Malformed, "boot info too short" };
    uint32_t total = load_le32(info.data());
    if (total < 8 || total > info.size())
        return { Error::Malformed, "bad boot info size" };
    out.total_size = total;
    size_t off = 8;
    while (off + 8 <= total) {
        uint32_t type = load_le32(&info[off]);
        uint32_t size = load_le32(&info[off + 4]);
        if (size < 8 || off + size > total)
            return { Error::Malformed, "tag overruns boot info" };
        auto body = info.subspan(off + 8, size - 8);
        switch (Tag(type)) {
        case Tag::End:
            return {};
        case Tag::Cmdline: {
            size_t n = 0;
            while (n < body.size() && body[n])
                n++;
            out.cmdline = std::string_view(reinterpret_cast<const char*>(body.data()), n);
            break;
        }
        case Tag::Module: {
            if (body.size() < 8)
                return { Error::Malformed, "short module tag" };
            uint32_t start = load_le32(&body[0]), end = load_le32(&body[4]);
            if (end < start)
                return { Error::Malformed, "module ends before it starts" };
            size_t n = 8;
            while (n < body.size() && body[n])
                n++;
            if (out.module_count < BootInfo::kMaxModules)
                out.modules[out.module_count++] = BootModule {
                    start, end, std::string_view(reinterpret_cast<const char*>(&body[8]), n - 8) };
            else
                out.modules_ignored++;
            break;
        }
        case Tag::MemoryMap: {
            if (body.size() < 8)
                return { Error::Malformed, "short memory map" };
            uint32_t entry_size = load_le32(&body[0]);
            if (entry_size < 24)
                return { Error::Malformed, "bad memory map entry size" };
            for (size_t e = 8; e + entry_size <= body.size() && out.range_count < BootInfo::kMaxRanges;
                 e += entry_size) {
                out.ranges[out.range_count++] = MemoryRange {
                    load_le64(&body[e]), load_le64(&body[e + 8]), load_le32(&body[e + 16]) };
            }
            break;
        }
        case Tag::AcpiOld:
        case Tag::AcpiNew:
            // Prefer the ACPI 2.0 RSDP (XSDT) when both are given.
            if (out.rsdp.empty() || Tag(type) == Tag::AcpiNew)
                out.rsdp = body;
            break;
        default:
            break;
        }
        off += align_up<size_t>(size, 8);
    }
    return {};
}

} // namespace oh
