// MD5 (RFC 1321 §3): four rounds of sixteen operations over 512-bit blocks, little-endian.
#include "sip/md5.h"

#include "lib/bytes.h"

namespace oh::sip {

namespace {

// Per-operation left rotations (RFC 1321 §3.4).
constexpr uint8_t kShift[64] = {
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
};

// T[i] = floor(2^32 * abs(sin(i + 1))), precomputed as the RFC's table.
constexpr uint32_t kSine[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

constexpr uint32_t rotl(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

} // namespace

void Md5::reset()
{
    m_state[0] = 0x67452301;
    m_state[1] = 0xefcdab89;
    m_state[2] = 0x98badcfe;
    m_state[3] = 0x10325476;
    m_bytes = 0;
    m_buf_len = 0;
}

void Md5::block(const uint8_t* p)
{
    uint32_t x[16];
    for (int i = 0; i < 16; i++)
        x[i] = load_le32(p + 4 * i);
    uint32_t a = m_state[0], b = m_state[1], c = m_state[2], d = m_state[3];
    for (unsigned i = 0; i < 64; i++) {
        uint32_t f;
        unsigned g;
        if (i < 16) {
            f = (b & c) | (~b & d);
            g = i;
        } else if (i < 32) {
            f = (d & b) | (~d & c);
            g = (5 * i + 1) & 15;
        } else if (i < 48) {
            f = b ^ c ^ d;
            g = (3 * i + 5) & 15;
        } else {
            f = c ^ (b | ~d);
            g = (7 * i) & 15;
        }
        uint32_t tmp = d;
        d = c;
        c = b;
        b = b + rotl(a + f + kSine[i] + x[g], kShift[i]);
        a = tmp;
    }
    m_state[0] += a;
    m_state[1] += b;
    m_state[2] += c;
    m_state[3] += d;
}

void Md5::update(std::span<const uint8_t> data)
{
    const uint8_t* p = data.data();
    size_t n = data.size();
    m_bytes += n;
    if (m_buf_len) {
        size_t take = 64 - m_buf_len < n ? 64 - m_buf_len : n;
        copy_bytes(m_buf + m_buf_len, p, take);
        m_buf_len += take;
        p += take;
        n -= take;
        if (m_buf_len < 64)
            return;
        block(m_buf);
        m_buf_len = 0;
    }
    for (; n >= 64; p += 64, n -= 64)
        block(p);
    if (n)
        copy_bytes(m_buf, p, n);
    m_buf_len = n;
}

void Md5::finish(uint8_t out[kDigestSize])
{
    // Padding: 0x80, zeros to 56 mod 64, then the bit length little-endian (RFC 1321 §3.1-3.2).
    uint64_t bits = m_bytes * 8;
    uint8_t pad[72] = { 0x80 };
    size_t pad_len = (m_buf_len < 56 ? 56 : 120) - m_buf_len;
    store_le32(pad + pad_len, uint32_t(bits));
    store_le32(pad + pad_len + 4, uint32_t(bits >> 32));
    update(std::span<const uint8_t>(pad, pad_len + 8));
    for (int i = 0; i < 4; i++)
        store_le32(out + 4 * i, m_state[i]);
    reset();
}

void md5_hex(const uint8_t digest[Md5::kDigestSize], char out[32])
{
    for (size_t i = 0; i < Md5::kDigestSize; i++) {
        out[2 * i] = "0123456789abcdef"[digest[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[digest[i] & 15];
    }
}

} // namespace oh::sip
