// FAT32 against real tools: images made with mformat/mcopy, read and changed through our
// code over the block cache, then checked with mdir/mtype/mcopy and `fsck.fat -n`.
#include "tests/unit/fat/fat_env.h"

using namespace oh;
using namespace oh::fs;
using namespace oh::fs::test;

namespace {

class Fat32Tools : public ::testing::Test {
protected:
    void SetUp() override
    {
        REQUIRE_TOOLS(have_tools(), "mtools/dosfstools");
        img = dir.file("disk.img");
        // 64 MiB, one sector per cluster: > 65525 clusters, so FAT32 by every tool's rule.
        ASSERT_EQ(sh("mformat -i " + img + " -F -C -T 131072 -c 1 -v OFFHOOK ::").status, 0);
        write_file(dir.file("hello.txt"), "hello from mtools\n");
        write_file(dir.file("A long file name.txt"), "long name contents");
        big = pattern(70000, 1); // spans 137 clusters
        write_file(dir.file("big.bin"), big);
        write_file(dir.file("cut.txt"), pattern(3000, 2));
        write_file(dir.file("gone.txt"), pattern(1500, 3));
        ASSERT_EQ(sh("mcopy -i " + img + " " + dir.file("hello.txt") + " " + dir.file("big.bin") + " '"
                     + dir.file("A long file name.txt") + "' " + dir.file("cut.txt") + " " + dir.file("gone.txt") + " ::/")
                      .status,
            0);
        ASSERT_EQ(sh("mmd -i " + img + " ::/music ::/music/jazz").status, 0);
        write_file(dir.file("Track Number One.raw"), pattern(5000, 4));
        ASSERT_EQ(sh("mcopy -i " + img + " '" + dir.file("Track Number One.raw") + "' ::/music/jazz/").status, 0);
        ASSERT_EQ(sh(fsck_path() + " -n " + img).status, 0);
    }
    std::string mtype(const std::string& path) { return sh("mtype -i " + img + " ::" + path).out; }
    std::string mcopy_out(const std::string& path)
    {
        std::string out = dir.file("out.bin");
        sh("rm -f " + out + "; mcopy -n -i " + img + " ::" + path + " " + out);
        return read_file(out);
    }
    void expect_fsck_clean()
    {
        Shell r = sh(fsck_path() + " -n " + img);
        EXPECT_EQ(r.status, 0) << r.out;
        EXPECT_EQ(r.out.find("wrong"), std::string::npos) << r.out;
    }

    TempDir dir;
    std::string img;
    std::string big;
};

TEST_F(Fat32Tools, ReadsWhatMtoolsWrote)
{
    Mounted m(img);
    ASSERT_TRUE(m.vol.mount(m.dev).has_value());
    EXPECT_EQ(m.vol.cluster_bytes(), 512u);
    std::vector<std::string> names;
    DirCursor cur;
    DirEntryInfo e;
    FatFile root = m.vol.root();
    while (m.vol.read_dir(root, cur, e).value_or(false))
        names.push_back(std::string(e.name, e.name_length));
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string> { "A long file name.txt", "big.bin", "cut.txt", "gone.txt", "hello.txt", "music" }));

    auto hello = m.vol.open("/hello.txt");
    ASSERT_TRUE(hello.has_value());
    EXPECT_EQ(m.read_all(*hello), "hello from mtools\n");
    auto lfn = m.vol.open("/a LONG file NAME.txt"); // names compare without case
    ASSERT_TRUE(lfn.has_value());
    EXPECT_EQ(m.read_all(*lfn), "long name contents");
    auto by_short = m.vol.open("/ALONGF~1.TXT");
    ASSERT_TRUE(by_short.has_value());
    EXPECT_EQ(by_short->first_cluster, lfn->first_cluster);
    auto b = m.vol.open("big.bin");
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(m.read_all(*b), big);
    // A read in the middle, across sector and cluster boundaries.
    uint8_t mid[1000];
    ASSERT_EQ(m.vol.read(*b, 33333, mid).value_or(0), 1000u);
    EXPECT_EQ(std::memcmp(mid, big.data() + 33333, 1000), 0);
    auto track = m.vol.open("/music/jazz/Track Number One.raw");
    ASSERT_TRUE(track.has_value());
    EXPECT_EQ(m.read_all(*track), pattern(5000, 4));
    EXPECT_EQ(m.vol.open("/music/none").error(), Error::NotFound);
    EXPECT_EQ(m.vol.open("/hello.txt/x").error(), Error::NotFound);
    EXPECT_TRUE(m.vol.open("/music")->is_directory());
}

TEST_F(Fat32Tools, CreateAppendTruncateRemoveCheckedByMtoolsAndFsck)
{
    std::string rec = pattern(12345, 9);
    {
        Mounted m(img);
        ASSERT_TRUE(m.vol.mount(m.dev).has_value());
        uint32_t free_before = m.vol.free_clusters();
        EXPECT_EQ(sh("minfo -i " + img + " :: >/dev/null").status, 0);

        auto f = m.vol.create("/new.txt");
        ASSERT_TRUE(f.has_value());
        EXPECT_EQ(m.vol.create("/NEW.TXT").error(), Error::Exists);
        ASSERT_EQ(m.vol.write(*f, 0, Mounted::bytes("first line\n")).value_or(0), 11u);
        ASSERT_EQ(m.vol.append(*f, Mounted::bytes("second line\n")).value_or(0), 12u);

        auto r = m.vol.create("/music/REC001.RAW");
        ASSERT_TRUE(r.has_value());
        for (size_t off = 0; off < rec.size(); off += 1000) // appended in pieces, like a recorder
            ASSERT_TRUE(m.vol.append(*r, Mounted::bytes(rec.substr(off, 1000))).has_value());

        auto cut = m.vol.open("/cut.txt");
        ASSERT_TRUE(cut.has_value());
        ASSERT_TRUE(m.vol.truncate(*cut, 700).has_value());
        auto b = m.vol.open("/big.bin");
        ASSERT_TRUE(b.has_value());
        ASSERT_TRUE(m.vol.truncate(*b, 0).has_value());
        EXPECT_EQ(b->first_cluster, 0u);

        ASSERT_TRUE(m.vol.mkdir("/logs").has_value());
        auto log = m.vol.create("/logs/boot.log");
        ASSERT_TRUE(log.has_value());
        ASSERT_TRUE(m.vol.write(*log, 0, Mounted::bytes("booted\n")).has_value());

        ASSERT_TRUE(m.vol.remove("/gone.txt").has_value());
        ASSERT_TRUE(m.vol.remove("/A long file name.txt").has_value()); // and its long-name entries
        EXPECT_EQ(m.vol.remove("/music").error(), Error::Busy);
        // Long names: an alias is generated (~1, ~2 for a shared basis), contents as usual.
        auto l1 = m.vol.create("/Call 2026-01-01 10.00 from Alice.wav");
        ASSERT_TRUE(l1.has_value());
        ASSERT_TRUE(m.vol.write(*l1, 0, Mounted::bytes("alice")).has_value());
        auto l2 = m.vol.create("/Call 2026-01-02 from Bob.wav");
        ASSERT_TRUE(l2.has_value());
        ASSERT_TRUE(m.vol.write(*l2, 0, Mounted::bytes("bob")).has_value());
        EXPECT_EQ(m.vol.create("/call 2026-01-02 FROM bob.wav").error(), Error::Exists);
        EXPECT_EQ(m.vol.create("/bad:name.txt").error(), Error::InvalidArgument);
        auto by_alias = m.vol.open("/CALL20~2.WAV");
        ASSERT_TRUE(by_alias.has_value());
        EXPECT_EQ(by_alias->first_cluster, l2->first_cluster);
        ASSERT_TRUE(m.vol.mkdir("/Recordings of 2026").has_value());
        auto deep = m.vol.create("/Recordings of 2026/A very long file name indeed, longer than 26.txt");
        ASSERT_TRUE(deep.has_value());
        ASSERT_TRUE(m.vol.write(*deep, 0, Mounted::bytes("deep")).has_value());

        // big.bin gave back 137 clusters, cut.txt 4, gone.txt 3, the long-named file 1; we took
        // 1+25+1+1, then 2 long-named files, a directory and its file: 4, and the root
        // directory's 16 entries overflowed into a second cluster: 1.
        EXPECT_EQ(m.vol.free_clusters(), free_before + 137 + 4 + 3 + 1 - 1 - 25 - 1 - 1 - 4 - 1);
        ASSERT_TRUE(m.vol.sync().has_value());
        EXPECT_EQ(m.tc.cache.dirty_count(), 0u);
        m.save();
    }
    expect_fsck_clean();
    EXPECT_EQ(mtype("/new.txt"), "first line\nsecond line\n");
    EXPECT_EQ(mtype("/logs/boot.log"), "booted\n");
    EXPECT_EQ(mcopy_out("/music/rec001.raw"), rec);
    EXPECT_EQ(mcopy_out("/cut.txt"), pattern(3000, 2).substr(0, 700));
    EXPECT_EQ(mcopy_out("/big.bin"), "");
    std::string listing = sh("mdir -b -i " + img + " ::/").out;
    EXPECT_NE(listing.find("new.txt"), std::string::npos) << listing; // lowercase kept (NT case bits)
    EXPECT_EQ(listing.find("gone.txt"), std::string::npos) << listing;
    EXPECT_EQ(listing.find("long"), std::string::npos) << listing;
    EXPECT_NE(listing.find("logs"), std::string::npos) << listing;
    EXPECT_NE(listing.find("Call 2026-01-01 10.00 from Alice.wav"), std::string::npos) << listing;
    EXPECT_EQ(mtype("'/Call 2026-01-02 from Bob.wav'"), "bob");
    EXPECT_EQ(mtype("/CALL20~1.WAV"), "alice");
    EXPECT_EQ(mtype("'/Recordings of 2026/A very long file name indeed, longer than 26.txt'"), "deep");
    // The free count we left in FSInfo matches what fsck counts.
    std::string info = sh(fsck_path() + " -n -v " + img).out;
    EXPECT_EQ(info.find("Free cluster summary wrong"), std::string::npos) << info;
}

TEST_F(Fat32Tools, GrowsADirectoryPastOneClusterAndSparseWrite)
{
    {
        Mounted m(img, 8); // a tiny cache: eviction and dirty back-pressure on every step
        ASSERT_TRUE(m.vol.mount(m.dev).has_value());
        ASSERT_TRUE(m.vol.mkdir("/many").has_value());
        // 512-byte clusters hold 16 entries: 40 files need 3 clusters (plus . and ..).
        for (int i = 0; i < 40; i++) {
            char name[32];
            std::snprintf(name, sizeof name, "/many/f%02d.txt", i);
            auto f = m.vol.create(name);
            ASSERT_TRUE(f.has_value()) << name;
            std::string body = "file " + std::to_string(i) + "\n";
            ASSERT_TRUE(m.vol.write(*f, 0, Mounted::bytes(body)).has_value());
        }
        auto s = m.vol.create("/sparse.bin");
        ASSERT_TRUE(s.has_value());
        ASSERT_TRUE(m.vol.write(*s, 5000, Mounted::bytes("tail")).has_value()); // zero-filled gap
        EXPECT_EQ(s->size, 5004u);
        ASSERT_TRUE(m.vol.sync().has_value());
        EXPECT_GT(m.tc.cache.stats().evictions, 100u);
        EXPECT_GT(m.tc.cache.stats().waits_space, 0u);
        m.save();
    }
    expect_fsck_clean();
    std::string listing = sh("mdir -b -i " + img + " ::/many").out;
    for (int i = 0; i < 40; i++) {
        char name[32];
        std::snprintf(name, sizeof name, "f%02d.txt", i);
        EXPECT_NE(listing.find(name), std::string::npos) << name;
    }
    EXPECT_EQ(mtype("/many/f39.txt"), "file 39\n");
    std::string sparse = mcopy_out("/sparse.bin");
    EXPECT_EQ(sparse, std::string(5000, '\0') + "tail");
}

TEST_F(Fat32Tools, FullDiskReportsNoSpaceAndStaysConsistent)
{
    // A small FAT32 volume (fsck accepts it with a warning about the cluster count).
    std::string small = dir.file("small.img");
    ASSERT_EQ(sh("mkfs.fat -F 32 -s 1 -C " + small + " 2048 || /usr/sbin/mkfs.fat -F 32 -s 1 -C " + small + " 2048").status, 0);
    {
        Mounted m(small, 32);
        ASSERT_TRUE(m.vol.mount(m.dev).has_value());
        auto f = m.vol.create("/fill.bin");
        ASSERT_TRUE(f.has_value());
        std::string chunk = pattern(4096, 5);
        for (int i = 0; i < 1000; i++) {
            auto r = m.vol.append(*f, Mounted::bytes(chunk));
            if (r.is_error() || r.value() < chunk.size())
                break;
        }
        EXPECT_EQ(m.vol.free_clusters(), 0u);
        EXPECT_EQ(m.vol.append(*f, Mounted::bytes(chunk)).error(), Error::NoSpace);
        EXPECT_EQ(f->size % 512, 0u);
        ASSERT_TRUE(m.vol.sync().has_value());
        m.save();
    }
    Shell r = sh(fsck_path() + " -n " + small);
    EXPECT_EQ(r.out.find("wrong"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Free cluster"), std::string::npos) << r.out;
}

TEST(Fat32Names, ShortNamePacking)
{
    uint8_t raw[11];
    uint8_t nt = 0;
    ASSERT_TRUE(make_short_name("rec.wav", raw, nt).has_value());
    EXPECT_EQ(std::string(reinterpret_cast<char*>(raw), 11), "REC     WAV");
    EXPECT_EQ(nt, 0x18);
    char out[13];
    format_short_name(raw, nt, out);
    EXPECT_STREQ(out, "rec.wav");
    ASSERT_TRUE(make_short_name("README", raw, nt).has_value());
    EXPECT_EQ(std::string(reinterpret_cast<char*>(raw), 11), "README     ");
    EXPECT_EQ(nt, 0);
    EXPECT_EQ(make_short_name("toolongname.txt", raw, nt).error(), Error::Unsupported);
    EXPECT_EQ(make_short_name("a.html", raw, nt).error(), Error::Unsupported);
    EXPECT_EQ(make_short_name("a b.txt", raw, nt).error(), Error::Unsupported);
    EXPECT_EQ(make_short_name("..", raw, nt).error(), Error::InvalidArgument);
    // Checksum from the specification's algorithm, on a known name.
    const uint8_t name[11] = { 'A', 'L', 'O', 'N', 'G', 'F', '~', '1', 'T', 'X', 'T' };
    uint8_t sum = 0;
    for (uint8_t c : name)
        sum = uint8_t(((sum & 1) ? 0x80 : 0) + (sum >> 1) + c);
    EXPECT_EQ(lfn_checksum(name), sum);
    make_alias("Call from Alice.wav", 1, raw);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(raw), 11), "CALLFR~1WAV");
    make_alias("a+b.tar.gz", 12, raw);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(raw), 11), "A_BTA~12GZ ");
    make_alias(".profile", 3, raw);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(raw), 11), "PROFIL~3   ");
    EXPECT_TRUE(long_name_ok("Call from Alice.wav"));
    EXPECT_FALSE(long_name_ok("a|b"));
    EXPECT_FALSE(long_name_ok("trailing."));
    EXPECT_FALSE(long_name_ok(std::string(256, 'a')));
}

} // namespace
