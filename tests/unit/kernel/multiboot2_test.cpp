// lib/boot: the multiboot2 tags the kernel reads, modules (program images) above all.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "lib/boot/multiboot2.h"

using namespace oh;

namespace {

class InfoBuilder {
public:
    InfoBuilder() : m_b(8, 0) { }
    void tag(uint32_t type, const std::vector<uint8_t>& body)
    {
        size_t at = m_b.size();
        m_b.resize(at + 8 + body.size());
        uint32_t size = uint32_t(8 + body.size());
        std::memcpy(&m_b[at], &type, 4);
        std::memcpy(&m_b[at + 4], &size, 4);
        if (!body.empty())
            std::memcpy(&m_b[at + 8], body.data(), body.size());
        m_b.resize((m_b.size() + 7) & ~size_t(7));
    }
    void module(uint32_t start, uint32_t end, const std::string& name)
    {
        std::vector<uint8_t> body(8 + name.size() + 1, 0);
        std::memcpy(&body[0], &start, 4);
        std::memcpy(&body[4], &end, 4);
        std::memcpy(&body[8], name.data(), name.size());
        tag(3, body);
    }
    std::vector<uint8_t> finish()
    {
        tag(0, {});
        uint32_t total = uint32_t(m_b.size());
        std::memcpy(&m_b[0], &total, 4);
        return m_b;
    }

private:
    std::vector<uint8_t> m_b;
};

} // namespace

TEST(Multiboot2, ModulesWithTheirStrings)
{
    InfoBuilder b;
    b.module(0x200000, 0x201234, "hello");
    b.module(0x202000, 0x202100, "nullwrite");
    auto info = b.finish();
    BootInfo out;
    ASSERT_TRUE(parse_multiboot2(info, out).has_value());
    ASSERT_EQ(out.module_count, 2u);
    EXPECT_EQ(out.modules[0].start, 0x200000u);
    EXPECT_EQ(out.modules[0].end, 0x201234u);
    EXPECT_EQ(out.modules[0].cmdline, "hello");
    EXPECT_EQ(out.modules[1].cmdline, "nullwrite");
}

// More modules than the table holds: the first kMaxModules kept in order, the rest counted
// (the kernel reports them) rather than silently lost.
TEST(Multiboot2, ModulesBeyondTheTableAreCounted)
{
    InfoBuilder b;
    const size_t n = BootInfo::kMaxModules + 3;
    for (size_t i = 0; i < n; i++)
        b.module(uint32_t(0x200000 + 0x1000 * i), uint32_t(0x200800 + 0x1000 * i), "p" + std::to_string(i));
    auto info = b.finish();
    BootInfo out;
    ASSERT_TRUE(parse_multiboot2(info, out).has_value());
    EXPECT_EQ(out.module_count, BootInfo::kMaxModules);
    EXPECT_EQ(out.modules_ignored, 3u);
    EXPECT_EQ(out.modules[BootInfo::kMaxModules - 1].cmdline, "p" + std::to_string(BootInfo::kMaxModules - 1));
}

TEST(Multiboot2, RefusesBackwardsOrShortModule)
{
    InfoBuilder b;
    b.module(0x300000, 0x200000, "x");
    auto info = b.finish();
    BootInfo out;
    EXPECT_EQ(parse_multiboot2(info, out).error(), Error::Malformed);
    InfoBuilder c;
    c.tag(3, { 1, 2, 3, 4 });
    auto info2 = c.finish();
    BootInfo out2;
    EXPECT_EQ(parse_multiboot2(info2, out2).error(), Error::Malformed);
}
