// ELF64 header and program-header validation for static x86-64 executables.
#include "lib/elf/elf64.h"

#include "lib/bytes.h"

namespace oh {

namespace {

// [gABI "ELF Header"] e_ident and field offsets of Elf64_Ehdr.
constexpr size_t kEhdrSize = 64;
constexpr size_t kPhdrSize = 56;
constexpr uint8_t kClass64 = 2;
constexpr uint8_t kData2Lsb = 1;
constexpr uint16_t kTypeExec = 2;
constexpr uint16_t kMachineX86_64 = 62;
// [gABI "Program Header"] p_type and p_flags values.
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPtDynamic = 2;
constexpr uint32_t kPtInterp = 3;
constexpr uint32_t kPfX = 1;
constexpr uint32_t kPfW = 2;
constexpr uint16_t kMaxPhnum = 64;

bool inside(uint64_t start, uint64_t len, uint64_t limit)
{
    return start <= limit && len <= limit - start;
}

} // namespace

Result<ElfImage> elf_parse(std::span<const uint8_t> file, UserRange range)
{
    const uint8_t* p = file.data();
    if (file.size() < kEhdrSize)
        return { Error::Malformed, "shorter than an ELF header" };
    if (p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' || p[3] != 'F')
        return { Error::Malformed, "no ELF magic" };
    if (p[4] != kClass64 || p[5] != kData2Lsb || p[6] != 1)
        return { Error::Unsupported, "not a little-endian ELF64 version 1" };
    if (load_le16(p + 16) != kTypeExec)
        return { Error::Unsupported, "not ET_EXEC (static executables only)" };
    if (load_le16(p + 18) != kMachineX86_64)
        return { Error::Unsupported, "not EM_X86_64" };
    if (load_le32(p + 20) != 1)
        return { Error::Unsupported, "e_version is not 1" };
    uint64_t entry = load_le64(p + 24);
    uint64_t phoff = load_le64(p + 32);
    uint16_t phentsize = load_le16(p + 54);
    uint16_t phnum = load_le16(p + 56);
    if (phentsize != kPhdrSize || phnum == 0 || phnum > kMaxPhnum)
        return { Error::Malformed, "bad program header table shape" };
    if (!inside(phoff, uint64_t(phnum) * kPhdrSize, file.size()))
        return { Error::Malformed, "program headers outside the file" };

    ElfImage img;
    img.entry = entry;
    bool entry_ok = false;
    for (uint16_t i = 0; i < phnum; i++) {
        const uint8_t* ph = p + phoff + size_t(i) * kPhdrSize;
        uint32_t type = load_le32(ph);
        if (type == kPtInterp || type == kPtDynamic)
            return { Error::Unsupported, "dynamically linked" };
        if (type != kPtLoad)
            continue;
        uint32_t flags = load_le32(ph + 4);
        ElfSegment s {};
        s.offset = load_le64(ph + 8);
        s.vaddr = load_le64(ph + 16);
        s.filesz = load_le64(ph + 32);
        s.memsz = load_le64(ph + 40);
        uint64_t align = load_le64(ph + 48);
        s.writable = flags & kPfW;
        s.executable = flags & kPfX;
        if (s.memsz == 0)
            continue; // occupies nothing
        if (s.filesz > s.memsz)
            return { Error::Malformed, "segment filesz > memsz" };
        if (!inside(s.offset, s.filesz, file.size()))
            return { Error::Malformed, "segment bytes outside the file" };
        if (align > 1 && ((align & (align - 1)) || (s.offset % align) != (s.vaddr % align)))
            return { Error::Malformed, "segment misaligned (p_offset != p_vaddr mod p_align)" };
        if (s.vaddr < range.low || !inside(s.vaddr, s.memsz, range.high))
            return { Error::InvalidArgument, "segment outside the user address range" };
        if (s.writable && s.executable)
            return { Error::Unsupported, "writable and executable segment (W^X)" };
        if (img.segment_count == ElfImage::kMaxSegments)
            return { Error::Unsupported, "too many PT_LOAD segments" };
        if (s.executable && entry >= s.vaddr && entry - s.vaddr < s.memsz)
            entry_ok = true;
        img.segments[img.segment_count++] = s;
    }
    if (img.segment_count == 0)
        return { Error::Malformed, "no PT_LOAD segment" };
    if (!entry_ok)
        return { Error::Malformed, "entry point not in an executable segment" };
    return img;
}

} // namespace oh
