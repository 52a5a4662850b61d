// libFuzzer: RTP header parser (RFC 3550 §5.1) plus a build/parse round trip of what parsed.
#include <stddef.h>
#include <stdint.h>

#include "sip/media/rtp.h"
#include "sip/media/telephone_event.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto r = oh::media::parse_rtp({ data, size });
    if (r.is_error())
        return 0;
    const auto& v = *r;
    // Everything the view points at lies inside the input.
    if (v.payload.size() && (v.payload.data() < data || v.payload.data() + v.payload.size() > data + size))
        __builtin_trap();
    uint32_t csrc[15];
    for (size_t i = 0; i < v.csrc_count; ++i)
        csrc[i] = v.csrc_at(i);
    oh::media::RtpHeaderFields f;
    f.marker = v.marker;
    f.payload_type = v.payload_type;
    f.sequence = v.sequence;
    f.timestamp = v.timestamp;
    f.ssrc = v.ssrc;
    f.csrc = { csrc, v.csrc_count };
    f.has_extension = v.has_extension;
    f.extension_profile = v.extension_profile;
    f.extension = v.extension;
    f.padding = v.padding;
    static uint8_t out[70000];
    auto n = oh::media::build_rtp(f, v.payload, out);
    if (n.is_error())
        __builtin_trap();
    auto again = oh::media::parse_rtp({ out, *n });
    if (again.is_error() || again->sequence != v.sequence || again->payload.size() != v.payload.size()
        || again->csrc_count != v.csrc_count || again->extension.size() != v.extension.size())
        __builtin_trap();
    oh::media::RtpReceiveStats stats;
    stats.reset(v.ssrc, v.sequence);
    (void)stats.update(v.sequence, v.timestamp, 0);
    (void)oh::media::parse_telephone_event(v.payload).has_value();
    return 0;
}
