// ELF64 executable headers: validation of a static x86-64 program (pure parser).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/result.h"

namespace oh {

// One PT_LOAD segment, as the file describes it (checked against the file's size).
struct ElfSegment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t offset; // of its bytes in the file
    uint64_t filesz; // <= memsz; the rest is zero (bss)
    bool writable;
    bool executable;
};

struct ElfImage {
    static constexpr size_t kMaxSegments = 8;
    uint64_t entry { 0 };
    ElfSegment segments[kMaxSegments] {};
    size_t segment_count { 0 };
};

// The address range a program may occupy: [low, high). The kernel passes the user half
// minus the null-pointer pages; everything else (the kernel's half above all) is refused.
struct UserRange {
    uint64_t low;
    uint64_t high;
};

// Checks [System V gABI "ELF header", "Program header"; x86-64 psABI §4.1]: magic, class
// ELFCLASS64, little-endian, version 1, ET_EXEC, EM_X86_64, a program-header table inside
// the file, PT_LOAD segments with filesz <= memsz, p_offset ≡ p_vaddr (mod p_align), their
// bytes inside the file, their addresses inside `range` (no wrap-around), no PT_INTERP or
// PT_DYNAMIC (static programs only), and an entry point inside an executable segment.
Result<ElfImage> elf_parse(std::span<const uint8_t> file, UserRange range);

} // namespace oh
