// MD5 message digest (RFC 1321), needed for SIP digest authentication only.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "sip/text.h"

namespace oh::sip {

class Md5 {
public:
    static constexpr size_t kDigestSize = 16;
    using Digest = uint8_t[kDigestSize];

    Md5() { reset(); }
    void reset();
    void update(std::span<const uint8_t> data);
    void update(Str s) { update(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size())); }
    void finish(uint8_t out[kDigestSize]);

private:
    void block(const uint8_t* p);

    uint32_t m_state[4];
    uint64_t m_bytes { 0 };
    uint8_t m_buf[64];
    size_t m_buf_len { 0 };
};

// Lowercase hex of a digest into out[32] (RFC 2617 §3.1.3 "LHEX").
void md5_hex(const uint8_t digest[Md5::kDigestSize], char out[32]);

} // namespace oh::sip
