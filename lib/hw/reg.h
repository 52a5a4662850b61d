// Registers as types, in the style of Zircon's hwreg: a register names its offset, a field
// names its bits, and a value is read whole, changed field by field and written whole (never
// bitfields on device memory). Field values that do not fit are a compile-time error when
// constant, and are masked (never spill into a neighbour) when not.
//
//   struct Moder : hw::Reg32<Moder, 0x00> {
//       template<unsigned Pin> using Mode = hw::Field<2 * Pin + 1, 2 * Pin>;
//   };
//   Moder::read(io).set<Moder::Mode<5>>(2).write(io);
#pragma once

#include <stdint.h>

#include "lib/hw/io.h"

namespace oh::hw {

// Bits [Hi:Lo] of a 32-bit register, as datasheets write them.
template<unsigned Hi, unsigned Lo = Hi>
struct Field {
    static_assert(Hi < 32 && Lo <= Hi, "a field lies within its 32-bit register, Hi:Lo");
    static constexpr unsigned kShift = Lo;
    static constexpr unsigned kWidth = Hi - Lo + 1;
    static constexpr uint32_t kMax = kWidth == 32 ? ~0u : (1u << kWidth) - 1;
    static constexpr uint32_t kMask = kMax << Lo;

    // The field's value within a whole register value.
    static constexpr uint32_t get(uint32_t reg) { return (reg & kMask) >> Lo; }
    // v placed at the field's bits (masked: a too-large runtime value cannot spill).
    static constexpr uint32_t place(uint32_t v) { return (v << Lo) & kMask; }
    // A constant placed at the field's bits; a value that does not fit does not compile.
    template<uint32_t V>
    static constexpr uint32_t kValue = [] {
        static_assert(V <= kMax, "value does not fit the field");
        return V << Lo;
    }();
};

// Count equal fields of Width bits from bit 0, picked at run time (per-pin fields: GPIO's
// MODER holds sixteen 2-bit modes, AFRL eight 4-bit functions).
template<unsigned Width, unsigned Count = 32 / Width>
struct FieldArray {
    static_assert(Width >= 1 && Width * Count <= 32, "the fields lie within the register");
    static constexpr unsigned kWidth = Width;
    static constexpr unsigned kCount = Count;
    static constexpr uint32_t kMax = Width == 32 ? ~0u : (1u << Width) - 1;

    // Index i must be below Count; a larger one selects no bits (and so changes nothing).
    static constexpr uint32_t mask(unsigned i) { return i < Count ? kMax << (Width * i) : 0; }
    static constexpr uint32_t get(uint32_t reg, unsigned i) { return i < Count ? (reg >> (Width * i)) & kMax : 0; }
    static constexpr uint32_t place(unsigned i, uint32_t v) { return i < Count ? (v & kMax) << (Width * i) : 0; }
};

// A register at byte offset Offset of an Mmio window; Derived adds the field names.
template<typename Derived, uint32_t Offset>
class Reg32 {
public:
    static constexpr uint32_t kOffset = Offset;

    constexpr Reg32() = default;
    constexpr explicit Reg32(uint32_t value) : m_value(value) { }

    static Derived read(Mmio& io, uint32_t base = 0) { return Derived(io.read32(base + Offset)); }
    void write(Mmio& io, uint32_t base = 0) const { io.write32(base + Offset, m_value); }

    template<typename F>
    constexpr uint32_t get() const { return F::get(m_value); }
    template<typename F>
    constexpr Derived& set(uint32_t v)
    {
        m_value = (m_value & ~F::kMask) | F::place(v);
        return static_cast<Derived&>(*this);
    }
    template<typename A>
    constexpr uint32_t get_at(unsigned i) const { return A::get(m_value, i); }
    template<typename A>
    constexpr Derived& set_at(unsigned i, uint32_t v)
    {
        m_value = (m_value & ~A::mask(i)) | A::place(i, v);
        return static_cast<Derived&>(*this);
    }
    constexpr uint32_t value() const { return m_value; }

private:
    uint32_t m_value { 0 };
};

} // namespace oh::hw
