// RTP port choice: even ports (RFC 3550 §11), RTCP = RTP + 1 inside the range, spread over it.
#include "sip/media/rtp_ports.h"

#include <gtest/gtest.h>

#include <set>
#include <string_view>

namespace {

namespace m = oh::media;

TEST(RtpPorts, ParsesARange)
{
    EXPECT_EQ(m::parse_rtp_port_range("10000-20000"), (m::RtpPortRange { 10000, 20000 }));
    EXPECT_EQ(m::parse_rtp_port_range("4000-4001"), (m::RtpPortRange { 4000, 4001 }));
    const std::string_view bad[] = { "", "10000", "20000-10000", "4000-4000", "4001-4002", "80-90", "10000-70000", "a-b", "-5" };
    for (auto b : bad)
        EXPECT_FALSE(m::parse_rtp_port_range(b).has_value()) << b;
}

TEST(RtpPorts, EvenRtpOddRtcpBothInsideTheRange)
{
    oh::Xoshiro128 rng(11);
    const m::RtpPortRange range { 10001, 10010 }; // pairs 10002/3 .. 10008/9
    std::set<uint16_t> seen;
    for (int i = 0; i < 1000; i++) {
        uint16_t p = m::pick_rtp_port(range, rng);
        EXPECT_EQ(p % 2, 0);
        EXPECT_GE(p, 10002);
        EXPECT_LE(p + 1, 10010);
        seen.insert(p);
    }
    EXPECT_EQ(seen, (std::set<uint16_t> { 10002, 10004, 10006, 10008 }));
    // A one-pair range has one answer, even when asked to avoid it.
    EXPECT_EQ(m::pick_rtp_port({ 4000, 4001 }, rng, 4000), 4000);
}

// The default range has 5000 pairs: 200 calls should see nearly 200 distinct ports and
// never the previous call's.
TEST(RtpPorts, DefaultRangeIsSpreadAndNeverRepeatsTheLastPort)
{
    oh::Xoshiro128 rng(12);
    std::set<uint16_t> seen;
    uint16_t last = 0;
    for (int i = 0; i < 200; i++) {
        uint16_t p = m::pick_rtp_port(m::RtpPortRange {}, rng, last);
        EXPECT_NE(p, last);
        EXPECT_GE(p, 10000);
        EXPECT_LE(p, 19998);
        seen.insert(p);
        last = p;
    }
    EXPECT_GE(seen.size(), 190u);
}

} // namespace
