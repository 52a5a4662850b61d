// FAT32 test environment: disk images made and checked by mtools/dosfstools in a temp dir,
// opened through Fat32Volume over the block cache over a simulated disk loaded from the file.
#pragma once

#include "lib/fs/cached_sector_device.h"
#include "lib/fs/fat32.h"
#include "tests/unit/block/sim_disk.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace oh::fs::test {

struct Shell {
    int status;
    std::string out;
};

inline Shell sh(const std::string& cmd)
{
    Shell r { -1, {} };
    FILE* p = popen(("(" + cmd + ") 2>&1").c_str(), "r");
    if (!p)
        return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        r.out.append(buf, n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

inline bool have_tools() { return sh("command -v mformat && command -v fsck.fat || test -x /usr/sbin/fsck.fat").status == 0; }

// These tests exist to check interoperability with the real tools, so a missing tool is a
// failure, not a skip: a skip would let a machine without mtools/dosfstools/sox (a missing
// install step in tools/deps.sh) pass while checking nothing. `make deps` installs them.
#define REQUIRE_TOOLS(ok, what)                                                     \
    do {                                                                            \
        if (!(ok))                                                                  \
            FAIL() << what << " not installed: run `make deps` (tools/deps.sh)";    \
    } while (0)

inline std::string fsck_path() { return access("/usr/sbin/fsck.fat", X_OK) == 0 ? "/usr/sbin/fsck.fat" : "fsck.fat"; }

class TempDir {
public:
    TempDir()
    {
        char tmpl[] = "/tmp/oh_fat_XXXXXX";
        char* d = mkdtemp(tmpl);
        m_path = d ? d : "/tmp";
    }
    ~TempDir() { sh("rm -rf '" + m_path + "'"); }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

inline void write_file(const std::string& path, const std::string& data)
{
    std::ofstream(path, std::ios::binary) << data;
}

inline std::string read_file(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

inline std::string pattern(size_t n, uint32_t seed)
{
    std::string s(n, '\0');
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        s[i] = char(x >> 16);
    }
    return s;
}

// The image file, loaded into a simulated disk behind a real block cache.
struct Mounted {
    explicit Mounted(const std::string& image, uint32_t slots = 128)
        : m_image(image), m_bytes(read_file(image)), sectors(m_bytes.size() / kSectorSize), tc(slots, kSectorSize),
          disk(0, kSectorSize), glue(tc.cache, disk, clock), io(tc.cache, glue, 0), dev(io, sectors)
    {
        disk.media.assign(m_bytes.begin(), m_bytes.end());
        m_bytes.clear();
        EXPECT_TRUE(tc.cache.attach(0, disk, sectors, 4).has_value());
    }
    // Write the simulated disk back to the image file (after a sync).
    void save()
    {
        std::ofstream(m_image, std::ios::binary | std::ios::trunc)
            .write(reinterpret_cast<const char*>(disk.media.data()), std::streamsize(disk.media.size()));
    }
    std::string read_all(FatFile& f)
    {
        std::string out(f.size, '\0');
        auto r = vol.read(f, 0, std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), out.size()));
        EXPECT_TRUE(r.has_value());
        out.resize(r.value_or(0));
        return out;
    }
    static std::span<const uint8_t> bytes(const std::string& s)
    {
        return { reinterpret_cast<const uint8_t*>(s.data()), s.size() };
    }

    std::string m_image;
    std::string m_bytes;
    uint64_t sectors { 0 };
    block::test::TestCache tc;
    block::test::SimDisk disk;
    FakeClock clock;
    block::test::TestGlue glue;
    block::BlockIo io;
    fs::CachedSectorDevice dev;
    Fat32Volume vol;
};

} // namespace oh::fs::test
