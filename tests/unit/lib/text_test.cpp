// lib/text.h and lib/inet.h's parser: the one string toolkit every target uses.
#include <gtest/gtest.h>

#include <string_view>

#include "lib/inet.h"
#include "lib/text.h"

using namespace oh;

TEST(Text, SubstrClampsInsteadOfThrowing)
{
    Str s("abc");
    EXPECT_EQ(std::string_view(s.substr(1)), "bc");
    EXPECT_EQ(std::string_view(s.substr(5)), "");
    EXPECT_EQ(std::string_view(s.substr(1, 100)), "bc");
}

TEST(Text, FindAndCompare)
{
    // Long enough for the eight-bytes-at-a-time search, with the hit past the first word.
    Str s("0123456789abcdef=xyz");
    EXPECT_EQ(find_char(s, '='), 16u);
    EXPECT_EQ(find_char(s, '#'), kNpos);
    EXPECT_EQ(find_str(s, "xyz"), 17u);
    EXPECT_TRUE(ieq("Content-Length", "content-LENGTH"));
    EXPECT_FALSE(ieq("Content-Length", "Content-Lengt"));
    EXPECT_TRUE(istarts_with("SIP/2.0 200", "sip/"));
    EXPECT_EQ(std::string_view(trim(" \t a b \r\n")), "a b");
}

TEST(Text, ParseUintIsDecimalAndBounded)
{
    EXPECT_EQ(parse_uint("4294967295"), 4294967295u);
    EXPECT_FALSE(parse_uint("4294967296"));
    EXPECT_FALSE(parse_uint("256", 255));
    EXPECT_FALSE(parse_uint("0x10"));
    EXPECT_FALSE(parse_uint(""));
    EXPECT_FALSE(parse_uint("-1"));
}

TEST(Text, ParseU64TakesHexAndRejectsOverflow)
{
    EXPECT_EQ(parse_u64("0x10"), 16u);
    EXPECT_EQ(parse_u64("0XfF"), 255u);
    EXPECT_EQ(parse_u64("18446744073709551615"), UINT64_MAX);
    EXPECT_FALSE(parse_u64("18446744073709551616"));
    EXPECT_FALSE(parse_u64("0x"));
    EXPECT_FALSE(parse_u64("12a"));
    EXPECT_FALSE(parse_u64("0x1g"));
}

TEST(Text, CopyStrCutsAndTerminates)
{
    char buf[4] = { 'x', 'x', 'x', 'x' };
    copy_str(buf, sizeof buf, "abcdef");
    EXPECT_EQ(std::string_view(buf), "abc");
    copy_str(buf, sizeof buf, "");
    EXPECT_EQ(buf[0], 0);
}

TEST(Inet, DottedQuad)
{
    EXPECT_EQ(parse_dotted_quad("192.0.2.1")->value, 0xc0000201u);
    EXPECT_EQ(parse_dotted_quad("0.0.0.0")->value, 0u);
    EXPECT_EQ(parse_dotted_quad("255.255.255.255")->value, 0xffffffffu);
    for (std::string_view bad : { "256.0.0.1", "1.2.3", "1.2.3.4.", "1.2.3.4.5", "1..2.3", "a.b.c.d",
             "1.2.3.0004", " 1.2.3.4", "1.2.3.4 ", "" })
        EXPECT_FALSE(parse_dotted_quad(bad)) << bad;
}
