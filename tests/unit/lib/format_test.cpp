// Tests for the freestanding printf-style formatter.
#include "lib/format.h"

#include <gtest/gtest.h>
#include <stdio.h>

#include <string>

namespace {

std::string fmt(const char* f, auto... args)
{
    char buf[128];
    oh::format(buf, sizeof buf, f, args...);
    return buf;
}

TEST(Format, IntegersMatchLibc)
{
    const char* cases[] = { "%d", "%5d", "%-5d|", "%05d", "%x", "%08x", "%X", "%u", "%o" };
    int values[] = { 0, 1, -1, 42, -42, 2147483647, -2147483647 - 1, 0x1234abcd };
    for (auto* c : cases) {
        for (int v : values) {
            char want[64];
            snprintf(want, sizeof want, c, v);
            EXPECT_EQ(fmt(c, v), want) << c << " " << v;
        }
    }
}

TEST(Format, LongAndSizeModifiers)
{
    EXPECT_EQ(fmt("%lu", 18446744073709551615ul), "18446744073709551615");
    EXPECT_EQ(fmt("%lld", -9223372036854775807ll - 1), "-9223372036854775808");
    EXPECT_EQ(fmt("%zu", size_t(12345)), "12345");
    EXPECT_EQ(fmt("%lx", 0xdeadbeefcafeul), "deadbeefcafe");
}

TEST(Format, StringsAndChars)
{
    EXPECT_EQ(fmt("%s", "abc"), "abc");
    EXPECT_EQ(fmt("%5s|", "ab"), "   ab|");
    EXPECT_EQ(fmt("%-5s|", "ab"), "ab   |");
    EXPECT_EQ(fmt("%.2s", "abcdef"), "ab");
    EXPECT_EQ(fmt("%.*s", 3, "abcdef"), "abc");
    EXPECT_EQ(fmt("%s", (const char*)nullptr), "(null)");
    EXPECT_EQ(fmt("%c%c", 'o', 'k'), "ok");
    EXPECT_EQ(fmt("100%%"), "100%");
}

TEST(Format, PointerIsZeroPadded)
{
    EXPECT_EQ(fmt("%p", (void*)0x1000), "0x0000000000001000");
}

TEST(Format, TruncatesAndReportsFullLength)
{
    char buf[6];
    size_t n = oh::format(buf, sizeof buf, "hello world %d", 42);
    EXPECT_EQ(n, 14u);
    EXPECT_STREQ(buf, "hello");
    EXPECT_EQ(oh::format(nullptr, 0, "%d", 12345), 5u);
}

} // namespace
