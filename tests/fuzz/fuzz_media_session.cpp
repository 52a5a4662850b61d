// libFuzzer: a MediaSession fed arbitrary RTP/RTCP datagrams, sources and timing, with the
// 20 ms loop running in between (exercises latching, jitter buffer, PLC, DTMF, RTCP).
#include <stddef.h>
#include <stdint.h>

#include "sip/media/media_session.h"

namespace {

class NullTransport final : public oh::media::MediaTransport {
public:
    void send_rtp(std::span<const uint8_t>, oh::Endpoint) override { }
    void send_rtcp(std::span<const uint8_t>, oh::Endpoint) override { }
};

} // namespace

// Input: records of [flags:1][delay_ms:1][len:2][bytes...]; flags bit 0 = RTCP,
// bits 1-2 pick one of four source endpoints, bit 3 runs a 20 ms frame first.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static NullTransport transport;
    static oh::Xoshiro128 rng(1);
    static oh::media::MediaSession session(transport, rng); // 4.5 KB: reused, start() resets it
    oh::media::MediaConfig config;
    config.payload_type = 0;
    config.telephone_event_pt = 101;
    config.remote_rtp = { oh::Ipv4Address(192, 0, 2, 1), 4000 };
    config.remote_rtcp = { oh::Ipv4Address(192, 0, 2, 1), 4001 };
    config.cname = "fuzz";
    oh::Nanoseconds now = 0;
    if (session.start(config, now).is_error())
        __builtin_trap();
    int16_t capture[160] {}, playback[160];
    size_t pos = 0;
    while (pos + 4 <= size) {
        uint8_t flags = data[pos];
        now += oh::Nanoseconds(data[pos + 1]) * oh::kNsPerMs;
        size_t len = size_t(data[pos + 2]) | (size_t(data[pos + 3]) << 8);
        pos += 4;
        if (len > size - pos)
            len = size - pos;
        oh::Endpoint from { oh::Ipv4Address(192, 0, 2, uint8_t(1 + ((flags >> 1) & 3))), uint16_t((flags & 1) ? 4001 : 4000) };
        if (flags & 8) {
            session.on_frame(std::span<const int16_t, 160>(capture, 160), std::span<int16_t, 160>(playback, 160), now);
            session.poll_rtcp(now);
        }
        if (flags & 1)
            session.on_rtcp_packet({ data + pos, len }, from, now);
        else
            session.on_rtp_packet({ data + pos, len }, from, now);
        pos += len;
    }
    for (int i = 0; i < 5; ++i) {
        now += 20 * oh::kNsPerMs;
        session.on_frame(std::span<const int16_t, 160>(capture, 160), std::span<int16_t, 160>(playback, 160), now);
    }
    while (session.poll_dtmf()) { }
    session.stop(now);
    return 0;
}
