// FAT32 on hand-made images (the fuzzer's seeds): a good tiny volume, looping and
// out-of-range cluster chains, and broken boot sectors. Errors, never hangs or crashes.
#include "lib/fs/fat32.h"
#include "lib/bytes.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace oh;
using namespace oh::fs;

namespace {

class MemDisk final : public SectorDevice {
public:
    explicit MemDisk(std::string bytes) : m(std::move(bytes)) { m.resize(4096 * 512, '\0'); }
    Result<void> read(uint64_t s, uint32_t off, std::span<uint8_t> out) override
    {
        reads++;
        if (s >= 4096 || off + out.size() > 512)
            return Error::InvalidArgument;
        std::memcpy(out.data(), m.data() + s * 512 + off, out.size());
        return {};
    }
    Result<void> write(uint64_t s, uint32_t off, std::span<const uint8_t> in) override
    {
        if (s >= 4096 || off + in.size() > 512)
            return Error::InvalidArgument;
        std::memcpy(m.data() + s * 512 + off, in.data(), in.size());
        return {};
    }
    Result<void> sync() override { return {}; }
    uint64_t sector_count() const override { return 4096; }
    std::string m;
    uint64_t reads = 0;
};

std::string seed(const char* name)
{
    std::ifstream f(std::string("tests/fuzz/corpus/fat_image/") + name, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Each test mounts one image (a seed, maybe altered) on a fresh disk it can count reads of.
class FatMalformed : public ::testing::Test {
protected:
    bool mount(std::string img)
    {
        m_disk.emplace(std::move(img));
        return m_volume.mount(*m_disk).has_value();
    }
    Fat32Volume& volume() { return m_volume; }
    MemDisk& disk() { return *m_disk; }

private:
    std::optional<MemDisk> m_disk;
    Fat32Volume m_volume;
};

std::vector<std::string> list(Fat32Volume& v, const FatFile& dir, Error& err)
{
    std::vector<std::string> names;
    DirCursor cur;
    DirEntryInfo e;
    err = Error::None;
    for (int guard = 0; guard < 100000; guard++) {
        auto r = v.read_dir(dir, cur, e);
        if (r.is_error()) {
            err = r.error();
            break;
        }
        if (!r.value())
            break;
        names.push_back(std::string(e.name, e.name_length));
    }
    return names;
}

TEST_F(FatMalformed, TinySeedIsAValidVolume)
{
    std::string img = seed("tiny.img");
    ASSERT_EQ(img.size(), 9u * 512);
    ASSERT_TRUE(mount(img));
    Fat32Volume& v = volume();
    EXPECT_EQ(v.cluster_count(), 126u); // clamped to what the one-sector FAT can describe
    EXPECT_EQ(v.free_clusters(), 126u - 5u);
    Error err;
    EXPECT_EQ(list(v, v.root(), err), (std::vector<std::string> { "big file.bin", "hello.txt", "SUB" }));
    EXPECT_EQ(err, Error::None);
    auto big = v.open("/big file.bin");
    ASSERT_TRUE(big.has_value());
    uint8_t buf[700];
    ASSERT_EQ(v.read(*big, 0, buf).value_or(0), 700u);
    EXPECT_EQ(buf[600], uint8_t(600 & 0xff));
    EXPECT_TRUE(v.open("/SUB/a.txt").has_value());
}

TEST_F(FatMalformed, LoopingChainsEndInErrors)
{
    std::string img = seed("loop.img");
    for (size_t e = 5; e < 16; e++) // no end marker: the walk must follow the root's chain
        img[4 * 512 + e * 32] = char(0xE5);
    ASSERT_TRUE(mount(img));
    Fat32Volume& v = volume();
    Error err;
    auto names = list(v, v.root(), err); // the root's chain points at itself
    EXPECT_LE(names.size(), 3u * (v.cluster_count() + 1)); // bounded by the volume's size
    EXPECT_EQ(err, Error::Malformed);
    EXPECT_GT(v.stats().malformed, 0u);
    // A file whose chain loops reads (its size bounds the walk); freeing it detects the loop.
    auto big = v.open("/big file.bin");
    ASSERT_TRUE(big.has_value());
    EXPECT_EQ(v.remove("/big file.bin").error(), Error::Malformed);
}

TEST_F(FatMalformed, HugeFileOverALoopingChainIsMalformedAtOnce)
{
    // The fuzzer's hang (fat_image, 2,635-byte image): an entry claiming ~4 GiB over a chain
    // that loops. Reading near its end must not walk the loop ~2^23 times: no file can have
    // more clusters than the volume, so the read is refused before any walk.
    ASSERT_TRUE(mount(seed("loop.img")));
    Fat32Volume& v = volume();
    auto big = v.open("/big file.bin");
    ASSERT_TRUE(big.has_value());
    big->size = 0xFFFFFF00u;
    uint8_t buf[700];
    const uint64_t one_walk = 2u * (v.cluster_count() + 1); // FAT sector + data sector per cluster
    uint64_t before = disk().reads;
    EXPECT_EQ(v.read(*big, big->size - 300, buf).error(), Error::Malformed);
    EXPECT_LE(disk().reads - before, one_walk);
    // The last cluster the volume could hold still reads through the loop (bounded walk).
    uint64_t last = uint64_t(v.cluster_count() - 1) * v.cluster_bytes();
    before = disk().reads;
    EXPECT_TRUE(v.read(*big, uint32_t(last), std::span<uint8_t>(buf, 10)).has_value());
    EXPECT_LE(disk().reads - before, one_walk);
}

TEST_F(FatMalformed, OutOfRangeClustersAreMalformed)
{
    ASSERT_TRUE(mount(seed("out_of_range.img")));
    Fat32Volume& v = volume();
    auto hello = v.open("/hello.txt");
    ASSERT_TRUE(hello.has_value());
    uint8_t buf[6];
    EXPECT_EQ(v.read(*hello, 0, buf).value_or(0), 6u); // one cluster: the bad next link is never followed
    EXPECT_EQ(v.append(*hello, std::span<const uint8_t>(buf, 6)).value_or(0), 6u); // still fits
    std::vector<uint8_t> more(600, 'm');
    // The first cluster fills up (a short write), then its next link 0x7777 is out of range.
    EXPECT_EQ(v.append(*hello, more).value_or(0), 500u);
    EXPECT_EQ(v.append(*hello, more).error(), Error::Malformed);
    EXPECT_EQ(v.remove("/big file.bin").error(), Error::Malformed); // chain 4 -> 5 -> free
}

TEST_F(FatMalformed, BadBootSectorsAreRefused)
{
    std::string good = seed("tiny.img");
    auto with = [&](size_t off, std::vector<uint8_t> bytes) {
        std::string s = good;
        for (size_t i = 0; i < bytes.size(); i++)
            s[off + i] = char(bytes[i]);
        MemDisk d(s);
        Fat32Volume v;
        return v.mount(d).error();
    };
    EXPECT_EQ(with(510, { 0, 0 }), Error::Malformed);          // no signature
    EXPECT_EQ(with(11, { 0x00, 0x04 }), Error::Malformed);     // 1024-byte sectors
    EXPECT_EQ(with(13, { 3 }), Error::Malformed);              // 3 sectors per cluster
    EXPECT_EQ(with(14, { 0, 0 }), Error::Malformed);           // no reserved sectors
    EXPECT_EQ(with(16, { 0 }), Error::Malformed);              // no FAT
    EXPECT_EQ(with(17, { 0, 2 }), Error::Malformed);           // FAT16 root directory
    EXPECT_EQ(with(32, { 0xff, 0xff, 0xff, 0xff }), Error::Malformed); // larger than the disk
    EXPECT_EQ(with(44, { 0xff, 0, 0, 0 }), Error::Malformed);  // root cluster out of range
    EXPECT_EQ(with(36, { 0xff, 0xff, 0, 0 }), Error::Malformed); // FATs cover the whole disk
}

} // namespace
