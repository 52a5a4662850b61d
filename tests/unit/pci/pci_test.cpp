// PCI enumeration against a simulated configuration space with sized BARs.
#include "drivers/pci/pci.h"

#include <gtest/gtest.h>

#include <map>

namespace {

// A small PCI bus: each function has 64 dwords; BARs answer the all-ones probe with their
// size mask, as hardware does.
class FakeConfig final : public oh::pci::ConfigSpace {
public:
    struct Fn {
        uint32_t regs[64] {};
        uint32_t bar_mask[6] {}; // writable bits of each BAR (0 = unimplemented)
    };
    std::map<uint32_t, Fn> fns;
    int writes_with_decode_on = 0;

    static uint32_t key(oh::pci::Address a) { return (a.bus << 16) | (a.device << 8) | a.function; }

    uint32_t read32(oh::pci::Address a, uint8_t off) override
    {
        auto it = fns.find(key(a));
        if (it == fns.end())
            return 0xffffffff;
        return it->second.regs[off / 4];
    }
    void write32(oh::pci::Address a, uint8_t off, uint32_t v) override
    {
        auto it = fns.find(key(a));
        if (it == fns.end())
            return;
        Fn& f = it->second;
        int bar = (off - 0x10) / 4;
        if (off >= 0x10 && off < 0x28) {
            if (f.regs[1] & 3)
                writes_with_decode_on++;
            uint32_t ro = f.regs[off / 4] & ~f.bar_mask[bar];
            f.regs[off / 4] = (v & f.bar_mask[bar]) | ro;
            return;
        }
        f.regs[off / 4] = v;
    }
};

FakeConfig::Fn e1000_like()
{
    FakeConfig::Fn f;
    f.regs[0] = 0x100e8086;             // 8086:100e
    f.regs[1] = 0x00000003;             // io + memory decode on
    f.regs[2] = 0x02000003;             // class 02 (network), rev 3
    f.regs[0x10 / 4] = 0xfebc0000;      // 128 KiB memory BAR
    f.bar_mask[0] = 0xfffe0000;
    f.regs[0x14 / 4] = 0x0000c001;      // 64-byte I/O BAR
    f.bar_mask[1] = 0xffffffc0 | 1;
    f.regs[0x3c / 4] = 0x0000010b;      // pin INTA, line 11
    return f;
}

TEST(Pci, EnumeratesAndSizesBars)
{
    FakeConfig cfg;
    cfg.fns[FakeConfig::key({ 0, 3, 0 })] = e1000_like();
    oh::pci::Device devs[8];
    size_t n = oh::pci::enumerate(cfg, devs, 8);
    ASSERT_EQ(n, 1u);
    const auto* d = oh::pci::find(devs, n, 0x8086, 0x100e);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->class_code, 2);
    EXPECT_EQ(d->interrupt_line, 11);
    EXPECT_EQ(d->interrupt_pin, 1);
    EXPECT_EQ(d->bars[0].kind, oh::pci::Bar::Kind::Memory);
    EXPECT_EQ(d->bars[0].base, 0xfebc0000u);
    EXPECT_EQ(d->bars[0].size, 0x20000u);
    EXPECT_EQ(d->bars[1].kind, oh::pci::Bar::Kind::Io);
    EXPECT_EQ(d->bars[1].base, 0xc000u);
    EXPECT_EQ(d->bars[1].size, 64u);
    EXPECT_EQ(d->bars[2].kind, oh::pci::Bar::Kind::None);
    // The probe left the BARs and the command register as they were, and never probed
    // with decoding on.
    EXPECT_EQ(cfg.fns[FakeConfig::key({ 0, 3, 0 })].regs[0x10 / 4], 0xfebc0000u);
    EXPECT_EQ(cfg.fns[FakeConfig::key({ 0, 3, 0 })].regs[1] & 3, 3u);
    EXPECT_EQ(cfg.writes_with_decode_on, 0);
}

TEST(Pci, SixtyFourBitBarAndMultiFunction)
{
    FakeConfig cfg;
    FakeConfig::Fn f0;
    f0.regs[0] = 0x12341af4;
    f0.regs[3] = 0x00800000; // header type: multi-function
    f0.regs[0x10 / 4] = 0x0000000c; // 64-bit prefetchable
    f0.regs[0x14 / 4] = 0x00000001; // high half: 4 GiB + ...
    f0.bar_mask[0] = 0xffffc000;    // 16 KiB
    f0.bar_mask[1] = 0xffffffff;
    FakeConfig::Fn f2;
    f2.regs[0] = 0x56781af4;
    cfg.fns[FakeConfig::key({ 0, 5, 0 })] = f0;
    cfg.fns[FakeConfig::key({ 0, 5, 2 })] = f2;
    oh::pci::Device devs[8];
    size_t n = oh::pci::enumerate(cfg, devs, 8);
    ASSERT_EQ(n, 2u);
    EXPECT_TRUE(devs[0].bars[0].is_64bit);
    EXPECT_TRUE(devs[0].bars[0].prefetchable);
    EXPECT_EQ(devs[0].bars[0].base, 0x100000000ull);
    EXPECT_EQ(devs[0].bars[0].size, 0x4000u);
    EXPECT_EQ(devs[0].bars[1].kind, oh::pci::Bar::Kind::None); // consumed as the high half
    EXPECT_EQ(devs[1].address.function, 2);
}

TEST(Pci, EnableSetsDecodeAndBusMaster)
{
    FakeConfig cfg;
    auto f = e1000_like();
    f.regs[1] = 0x00000400; // interrupts disabled, nothing decoded
    cfg.fns[FakeConfig::key({ 0, 3, 0 })] = f;
    oh::pci::Device devs[1];
    ASSERT_EQ(oh::pci::enumerate(cfg, devs, 1), 1u);
    oh::pci::enable(cfg, devs[0], true);
    uint32_t cmd = cfg.fns[FakeConfig::key({ 0, 3, 0 })].regs[1] & 0xffff;
    EXPECT_EQ(cmd, 0x7u);
}

TEST(Pci, EmptyBusAndCapacity)
{
    FakeConfig cfg;
    oh::pci::Device devs[1];
    EXPECT_EQ(oh::pci::enumerate(cfg, devs, 1), 0u);
    cfg.fns[FakeConfig::key({ 0, 1, 0 })] = e1000_like();
    cfg.fns[FakeConfig::key({ 0, 2, 0 })] = e1000_like();
    EXPECT_EQ(oh::pci::enumerate(cfg, devs, 1), 1u); // capped, no overflow
}

} // namespace
