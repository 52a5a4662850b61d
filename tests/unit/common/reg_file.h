// The shared scripted register model for every driver test (MMIO and x86 port I/O): it
// remembers every access in order, answers reads from stored values, and lets a test script
// device behaviour per register (what a read returns, what a write stores).
#pragma once

#include <stdint.h>

#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "lib/hw/io.h"

namespace oh::hw::test {

class RegFile : public hw::Mmio {
public:
    std::map<uint32_t, uint32_t> regs;
    std::vector<std::pair<uint32_t, uint32_t>> writes; // (offset, value) in order
    std::map<uint32_t, std::function<uint32_t(uint32_t stored)>> on_read;
    std::map<uint32_t, std::function<uint32_t(uint32_t value)>> on_write; // returns what to store
    // Runs once the write is stored: a doorbell (a ring tail, a start bit) whose effect reads
    // the register file, the new value included.
    std::map<uint32_t, std::function<void(uint32_t stored)>> after_write;
    uint64_t read_count { 0 };

    uint32_t read32(uint32_t offset) override
    {
        read_count++;
        uint32_t v = regs[offset];
        if (auto it = on_read.find(offset); it != on_read.end())
            return it->second(v);
        return v;
    }
    void write32(uint32_t offset, uint32_t value) override
    {
        writes.push_back({ offset, value });
        if (auto it = on_write.find(offset); it != on_write.end())
            value = it->second(value);
        regs[offset] = value;
        if (auto it = after_write.find(offset); it != after_write.end())
            it->second(value);
    }
    // Every register access so far, reads and writes.
    uint64_t accesses() const { return read_count + writes.size(); }
    // Index of the first write of `value` (masked) to `offset`, or -1.
    int first_write(uint32_t offset, uint32_t mask, uint32_t value) const
    {
        for (size_t i = 0; i < writes.size(); i++)
            if (writes[i].first == offset && (writes[i].second & mask) == value)
                return int(i);
        return -1;
    }
};

// The same for x86 port I/O: one map per access width is not needed, since a port register
// has one width; reads and writes of every width share the stored value. A model that knows
// a port's width says so in `widths`: an access of another width is logged and counted in
// `bad_width`, reads float high and writes are dropped (as an ISA/PCI decode that does not
// claim them). A register that really answers several widths (AC'97 CIV/LVI/SR as one
// dword) stays out of `widths`, and its hook looks at `access_width`.
class PortFile : public hw::PortIo {
public:
    std::map<uint16_t, uint32_t> regs;
    std::map<uint16_t, unsigned> widths; // bytes
    unsigned bad_width { 0 };
    unsigned access_width { 0 }; // of the access a hook is serving
    struct Access {
        bool write;
        uint16_t port;
        uint32_t value;
        unsigned width; // bytes
    };
    std::vector<Access> log; // every access, in order
    std::map<uint16_t, std::function<uint32_t(uint32_t stored)>> on_read;
    std::map<uint16_t, std::function<uint32_t(uint32_t value)>> on_write; // returns what to store
    std::map<uint16_t, std::function<void(uint32_t stored)>> after_write; // as RegFile's

    uint8_t in8(uint16_t p) override { return uint8_t(read(p, 1)); }
    uint16_t in16(uint16_t p) override { return uint16_t(read(p, 2)); }
    uint32_t in32(uint16_t p) override { return read(p, 4); }
    void out8(uint16_t p, uint8_t v) override { write(p, v, 1); }
    void out16(uint16_t p, uint16_t v) override { write(p, v, 2); }
    void out32(uint16_t p, uint32_t v) override { write(p, v, 4); }

    // Index of the first write of `value` (masked) to `port`, or -1.
    int first_write(uint16_t port, uint32_t mask, uint32_t value) const
    {
        for (size_t i = 0; i < log.size(); i++)
            if (log[i].write && log[i].port == port && (log[i].value & mask) == value)
                return int(i);
        return -1;
    }
    // The writes of the log alone, in order.
    std::vector<Access> writes() const
    {
        std::vector<Access> w;
        for (const Access& a : log)
            if (a.write)
                w.push_back(a);
        return w;
    }

private:
    bool width_ok(uint16_t p, unsigned width)
    {
        auto it = widths.find(p);
        if (it == widths.end() || it->second == width)
            return true;
        bad_width++;
        return false;
    }
    uint32_t read(uint16_t p, unsigned width)
    {
        uint32_t v = 0xffff'ffffu >> (32 - 8 * width);
        if (width_ok(p, width)) {
            v = regs[p];
            access_width = width;
            if (auto it = on_read.find(p); it != on_read.end())
                v = it->second(v);
        }
        log.push_back({ false, p, v, width });
        return v;
    }
    void write(uint16_t p, uint32_t v, unsigned width)
    {
        log.push_back({ true, p, v, width });
        if (!width_ok(p, width))
            return;
        access_width = width;
        if (auto it = on_write.find(p); it != on_write.end())
            v = it->second(v);
        regs[p] = v;
        if (auto it = after_write.find(p); it != after_write.end())
            it->second(v);
    }
};

// Maps one host object into a fake 32-bit bus window, both ways (for DMA models).
class FakeBus final : public hw::BusAddress {
public:
    static constexpr uint32_t kBase = 0x20010000;
    FakeBus(const void* object, size_t size) : m_base(static_cast<const uint8_t*>(object)), m_size(size) { }
    uint32_t to_bus(const void* p) override
    {
        auto off = static_cast<const uint8_t*>(p) - m_base;
        if (off < 0 || size_t(off) >= m_size)
            return 0xBAD00000u; // outside the window: a driver bug the test will see
        return kBase + uint32_t(off);
    }
    template<typename T>
    T* from_bus(uint32_t a) const
    {
        if (a < kBase || a - kBase + sizeof(T) > m_size)
            return nullptr;
        return reinterpret_cast<T*>(const_cast<uint8_t*>(m_base) + (a - kBase));
    }

private:
    const uint8_t* m_base;
    size_t m_size;
};

struct NoDelayMock final : hw::Delay {
    uint64_t total_us { 0 };
    void delay_us(uint32_t us) override { total_us += us; }
};

} // namespace oh::hw::test
