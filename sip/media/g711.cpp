// G.711 block encode/decode over spans (the per-sample functions are constexpr in g711.h).
#include "sip/media/g711.h"

#include <algorithm>

namespace oh::media {

size_t g711_encode(G711Law law, std::span<const int16_t> in, std::span<uint8_t> out)
{
    size_t n = std::min(in.size(), out.size());
    if (law == G711Law::Ulaw) {
        for (size_t i = 0; i < n; ++i)
            out[i] = linear_to_ulaw(in[i]);
    } else {
        for (size_t i = 0; i < n; ++i)
            out[i] = linear_to_alaw(in[i]);
    }
    return n;
}

size_t g711_decode(G711Law law, std::span<const uint8_t> in, std::span<int16_t> out)
{
    size_t n = std::min(in.size(), out.size());
    const int16_t* table = law == G711Law::Ulaw ? detail::kUlawTable.data() : detail::kAlawTable.data();
    for (size_t i = 0; i < n; ++i)
        out[i] = table[in[i]];
    return n;
}

} // namespace oh::media
