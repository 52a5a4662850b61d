// Tests for Result<T> and TRY propagation.
#include "lib/result.h"

#include <gtest/gtest.h>

namespace {

oh::Result<int> parse_digit(char c)
{
    if (c < '0' || c > '9')
        return { oh::Error::Malformed, "not a digit" };
    return c - '0';
}

oh::Result<int> parse_two(const char* s)
{
    int a = TRY(parse_digit(s[0]));
    int b = TRY(parse_digit(s[1]));
    return a * 10 + b;
}

TEST(Result, ValueAndError)
{
    auto ok = parse_two("42");
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ(ok.value(), 42);
    auto bad = parse_two("4x");
    ASSERT_TRUE(bad.is_error());
    EXPECT_EQ(bad.error(), oh::Error::Malformed);
    EXPECT_STREQ(bad.error_info().text(), "not a digit");
}

TEST(Result, VoidResult)
{
    oh::Result<void> ok;
    EXPECT_FALSE(ok.is_error());
    oh::Result<void> bad(oh::Error::Timeout);
    EXPECT_TRUE(bad.is_error());
    EXPECT_STREQ(bad.error_info().text(), "timeout");
}

struct Counted {
    static inline int live = 0;
    Counted() { live++; }
    Counted(const Counted&) { live++; }
    Counted(Counted&&) { live++; }
    ~Counted() { live--; }
};

TEST(Result, DestroysHeldValueOnce)
{
    {
        oh::Result<Counted> r { Counted {} };
        EXPECT_EQ(Counted::live, 1);
        oh::Result<Counted> moved(std::move(r));
        EXPECT_EQ(Counted::live, 2);
    }
    EXPECT_EQ(Counted::live, 0);
}

} // namespace
