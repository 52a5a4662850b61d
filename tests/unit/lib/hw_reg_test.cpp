// lib/hw/reg.h against the shared register model (tests/unit/common/reg_file.h). Expected
// values are worked out by hand from the field positions, not taken from the code.
#include <gtest/gtest.h>

#include "lib/hw/reg.h"
#include "tests/unit/common/reg_file.h"

using namespace oh;

namespace {

// A made-up control register: ENABLE bit 0, MODE bits 5:4, DIVIDER bits 15:8, FLAGS 31:28.
struct Ctrl : hw::Reg32<Ctrl, 0x14> {
    using Enable = hw::Field<0>;
    using Mode = hw::Field<5, 4>;
    using Divider = hw::Field<15, 8>;
    using Flags = hw::Field<31, 28>;
    using Reg32::Reg32;
};

struct PinModes : hw::Reg32<PinModes, 0x00> {
    using Mode = hw::FieldArray<2>;
    using Reg32::Reg32;
};

} // namespace

TEST(HwReg, FieldMasksAndPlacement)
{
    static_assert(Ctrl::Mode::kMask == 0x30);
    static_assert(Ctrl::Divider::kMask == 0xff00);
    static_assert(Ctrl::Flags::kMask == 0xf000'0000);
    static_assert(Ctrl::Divider::kValue<0x5a> == 0x5a00);
    static_assert(hw::Field<31, 0>::kMask == 0xffff'ffff);
    EXPECT_EQ(Ctrl::Mode::place(7), 0x30u); // masked: 7 does not fit 2 bits, and cannot spill
    EXPECT_EQ(Ctrl::Mode::get(0xffff'ffcf), 0u);
}

TEST(HwReg, ReadModifyWriteKeepsOtherFields)
{
    hw::test::RegFile io;
    io.regs[0x14] = 0xa000'0031; // FLAGS 0xa, MODE 3, ENABLE 1
    Ctrl::read(io).set<Ctrl::Mode>(1).set<Ctrl::Divider>(0x12).write(io);
    ASSERT_EQ(io.writes.size(), 1u); // one whole-register write, no partial accesses
    EXPECT_EQ(io.writes[0].first, 0x14u);
    EXPECT_EQ(io.writes[0].second, 0xa000'1211u);
    EXPECT_EQ(Ctrl::read(io).get<Ctrl::Flags>(), 0xau);
}

TEST(HwReg, WindowBaseAddsToTheOffset)
{
    hw::test::RegFile io;
    Ctrl().set<Ctrl::Enable>(1).write(io, 0x400);
    EXPECT_EQ(io.regs[0x414], 1u);
}

TEST(HwReg, FieldArrayPicksTheIndexAtRunTime)
{
    hw::test::RegFile io;
    io.regs[0] = 0xa800'0000; // pins 13-15 in mode 2 (as an STM32 port A after reset)
    for (unsigned pin : { 2u, 9u })
        PinModes::read(io).set_at<PinModes::Mode>(pin, 2).write(io);
    EXPECT_EQ(io.regs[0], 0xa800'0000u | (2u << 18) | (2u << 4));
    EXPECT_EQ(PinModes::read(io).get_at<PinModes::Mode>(9), 2u);
    // An index past the array changes nothing instead of wrapping into another pin.
    PinModes::read(io).set_at<PinModes::Mode>(16, 3).write(io);
    EXPECT_EQ(io.regs[0], 0xa800'0000u | (2u << 18) | (2u << 4));
}

TEST(HwReg, PortModelLogsEveryAccessInOrder)
{
    hw::test::PortFile io;
    io.on_read[0x1f7] = [](uint32_t) { return 0x58u; }; // a status register a test scripts
    io.out8(0x1f6, 0xe0);
    EXPECT_EQ(io.in8(0x1f7), 0x58);
    io.out16(0x1f0, 0xbeef);
    ASSERT_EQ(io.log.size(), 3u);
    EXPECT_TRUE(io.log[0].write && io.log[0].port == 0x1f6 && io.log[0].value == 0xe0 && io.log[0].width == 1);
    EXPECT_FALSE(io.log[1].write);
    EXPECT_EQ(io.first_write(0x1f0, 0xffff, 0xbeef), 2);
}

TEST(HwReg, PortModelDropsAccessesOfTheWrongWidth)
{
    hw::test::PortFile io;
    io.widths[0x1f7] = 1;
    io.regs[0x1f7] = 0x50;
    EXPECT_EQ(io.in16(0x1f7), 0xffff); // floats high, as an undecoded access does
    io.out32(0x1f7, 0x20); // dropped
    EXPECT_EQ(io.in8(0x1f7), 0x50);
    EXPECT_EQ(io.bad_width, 2u);
    EXPECT_EQ(io.log.size(), 3u) << "wrong-width accesses are still logged";
    ASSERT_EQ(io.writes().size(), 1u);
    EXPECT_EQ(io.writes()[0].width, 4u);
}

TEST(HwReg, AfterWriteSeesTheStoredValue)
{
    hw::test::RegFile io;
    uint32_t seen = 0;
    io.on_write[0x38] = [](uint32_t v) { return v & 0xff; };
    io.after_write[0x38] = [&](uint32_t stored) { seen = io.regs[0x38] + stored; };
    io.write32(0x38, 0x1234);
    EXPECT_EQ(seen, 0x68u);
    EXPECT_EQ(io.read32(0x38), 0x34u);
    EXPECT_EQ(io.accesses(), 2u);
}
