// Frame-pointer unwinding and symbol lookup in the .ksyms table written by tools/ksyms.py.
#include "kernel/debug/backtrace.h"

#include "kernel/console/console.h"
#include "lib/bytes.h"

extern "C" const uint8_t _ksyms_start[], _ksyms_end[], _text_start[], _text_end[];

namespace oh::kernel {

namespace {
struct KsymEntry {
    uint64_t address;
    uint32_t name_offset;
    uint32_t size;
};
static_assert(sizeof(KsymEntry) == 16);
} // namespace

Symbol symbolize(uint64_t address)
{
    if (address < uint64_t(_text_start) || address >= uint64_t(_text_end))
        return { nullptr, 0 };
    size_t bytes = size_t(_ksyms_end - _ksyms_start);
    if (bytes < 8)
        return { nullptr, 0 };
    uint64_t count = load_le64(_ksyms_start);
    if (8 + count * sizeof(KsymEntry) > bytes)
        return { nullptr, 0 };
    auto* entries = reinterpret_cast<const KsymEntry*>(_ksyms_start + 8);
    auto* names = reinterpret_cast<const char*>(_ksyms_start + 8 + count * sizeof(KsymEntry));
    // Last entry whose address <= the address.
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (entries[mid].address <= address)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return { nullptr, 0 };
    const KsymEntry& e = entries[lo - 1];
    return { names + e.name_offset, address - e.address };
}

void print_backtrace(uint64_t rip, uint64_t rbp, uint64_t stack_low, uint64_t stack_high, int max_frames,
                     uint64_t rsp)
{
    printk_emergency("backtrace:\n");
    // A leaf without a frame: its return address is the word at rsp, and rbp still points
    // at the caller's caller. Show the caller first when the stack word is kernel text that
    // the frame chain would not otherwise print.
    uint64_t leaf_return = 0;
    if (rsp >= stack_low && rsp + 8 <= stack_high && rsp % 8 == 0) {
        uint64_t w = *reinterpret_cast<const uint64_t*>(rsp);
        bool chain_has_it = rbp >= stack_low && rbp + 16 <= stack_high && reinterpret_cast<const uint64_t*>(rbp)[1] == w;
        if (symbolize(w).name && !chain_has_it && symbolize(rip).offset < 8)
            leaf_return = w;
    }
    for (int i = 0; i < max_frames; i++) {
        if (i == 1 && leaf_return) {
            Symbol s = symbolize(leaf_return);
            printk_emergency("  #%d %p %s+0x%lx (caller of a frameless function)\n", i,
                             reinterpret_cast<void*>(leaf_return), s.name, s.offset);
            i++;
        }
        Symbol s = symbolize(rip);
        printk_emergency("  #%d %p %s+0x%lx\n", i, reinterpret_cast<void*>(rip), s.name ? s.name : "??", s.offset);
        if (rbp < stack_low || rbp + 16 > stack_high || rbp % 8)
            break;
        auto* frame = reinterpret_cast<const uint64_t*>(rbp);
        rip = frame[1];
        if (rip == 0)
            break;
        uint64_t next_rbp = frame[0];
        // Frames only go up the stack; anything else ends the walk after this return address.
        rbp = next_rbp > rbp ? next_rbp : 0;
    }
}

} // namespace oh::kernel
