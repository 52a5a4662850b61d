// libFuzzer: RTCP compound packet parser (RFC 3550 §6, A.2 validity checks).
#include <stddef.h>
#include <stdint.h>

#include "sip/media/rtcp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    uint32_t our_ssrc = size >= 4 ? uint32_t(data[size - 1]) * 0x01010101u : 0;
    auto r = oh::media::parse_rtcp({ data, size }, our_ssrc);
    if (r.has_value() && r->has_block_for_us && r->block_for_us.ssrc != our_ssrc)
        __builtin_trap();
    return 0;
}
