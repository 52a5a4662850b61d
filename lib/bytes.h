// Byte-order loads/stores and small memory helpers for wire formats (no libc needed).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace oh {

constexpr uint16_t load_be16(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }
constexpr uint32_t load_be32(const uint8_t* p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}
constexpr uint16_t load_le16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
constexpr uint32_t load_le32(const uint8_t* p)
{
    return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}
constexpr uint64_t load_le64(const uint8_t* p) { return uint64_t(load_le32(p)) | (uint64_t(load_le32(p + 4)) << 32); }

constexpr void store_be16(uint8_t* p, uint16_t v) { p[0] = uint8_t(v >> 8); p[1] = uint8_t(v); }
constexpr void store_be32(uint8_t* p, uint32_t v)
{
    p[0] = uint8_t(v >> 24); p[1] = uint8_t(v >> 16); p[2] = uint8_t(v >> 8); p[3] = uint8_t(v);
}
constexpr void store_le16(uint8_t* p, uint16_t v) { p[0] = uint8_t(v); p[1] = uint8_t(v >> 8); }
constexpr void store_le32(uint8_t* p, uint32_t v)
{
    p[0] = uint8_t(v); p[1] = uint8_t(v >> 8); p[2] = uint8_t(v >> 16); p[3] = uint8_t(v >> 24);
}

// These lower to memcpy/memset/memcmp, which every target provides (libc hosted, the
// kernel's lib, newlib on ARM).
inline void copy_bytes(void* dst, const void* src, size_t n) { __builtin_memcpy(dst, src, n); }
inline void move_bytes(void* dst, const void* src, size_t n) { __builtin_memmove(dst, src, n); }
inline void fill_bytes(void* dst, int v, size_t n) { __builtin_memset(dst, v, n); }
inline int compare_bytes(const void* a, const void* b, size_t n) { return __builtin_memcmp(a, b, n); }

template<typename T>
constexpr T align_up(T v, T a) { return (v + a - 1) & ~(a - 1); }
template<typename T>
constexpr T align_down(T v, T a) { return v & ~(a - 1); }

// __builtin_popcount becomes a libgcc call without -mpopcnt; this stays inline (the SWAR
// sum of Hacker's Delight §5-1: bits per 2, 4, 8, then all bytes added by one multiply).
constexpr int count_bits(uint64_t v)
{
    v = v - ((v >> 1) & 0x5555555555555555ull);
    v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
    v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return int((v * 0x0101010101010101ull) >> 56);
}

} // namespace oh
