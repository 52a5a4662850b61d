// Fuzz the whole user agent: datagrams from a trusted and an untrusted source, with time
// passing, in every call state the input can reach.
#include <stddef.h>
#include <stdint.h>

#include "lib/clock.h"
#include "lib/random.h"
#include "sip/user_agent.h"

using namespace oh;
using namespace oh::sip;

namespace {

struct NullTransport final : SipTransport {
    void send(const oh::Endpoint&, std::span<const uint8_t> d) override
    {
        if (d.size() > kMaxMessageSize)
            __builtin_trap();
    }
};

struct NullListener final : SipListener {
    void on_registration(RegState, uint16_t, Str) override { }
    void on_incoming_call(CallId, Str, Str) override { }
    void on_call_progress(CallId, uint16_t) override { }
    void on_call_answered(CallId) override { }
    void on_call_ended(CallId, EndReason, uint16_t) override { }
    void on_media(CallId, const MediaSession&) override { }
    void on_dtmf(CallId, char, uint16_t) override { }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static NullTransport transport;
    static NullListener listener;
    oh::FakeClock clock;
    oh::Xoshiro128 random(1);
    SipConfig cfg;
    cfg.server = { oh::Ipv4Address(192, 0, 2, 1), 5060 };
    cfg.domain = "192.0.2.1";
    cfg.user = "alice";
    cfg.password = "pw";
    cfg.local = { oh::Ipv4Address(192, 0, 2, 10), 5060 };
    cfg.auto_answer = true;
    SipUserAgent ua(cfg, transport, clock, random, listener);
    (void)ua.start_register().is_error();
    // Input: a sequence of [1 byte flags][2 bytes length][datagram] records.
    size_t at = 0;
    while (at + 3 <= size) {
        uint8_t flags = data[at];
        size_t len = size_t(data[at + 1]) << 8 | data[at + 2];
        at += 3;
        if (len > size - at)
            len = size - at;
        oh::Endpoint from = (flags & 1) ? oh::Endpoint { oh::Ipv4Address(198, 51, 100, 7), 5060 } : cfg.server;
        ua.receive({ data + at, len }, from);
        at += len;
        clock.advance(oh::Nanoseconds(flags >> 1) * 250 * oh::kNsPerMs);
        ua.poll();
        if (flags == 0xfe)
            (void)ua.hangup(0).is_error();
        if (flags == 0xfc)
            (void)ua.hold(0).is_error();
        if (flags == 0xfa)
            (void)ua.dial("1002").is_error();
    }
    return 0;
}
