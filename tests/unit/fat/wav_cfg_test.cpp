// WAV recordings written through FAT32 (checked with mtools, soxi and fsck.fat) and the
// /offhook.cfg parser (checked through the kernel's CommandLine lookups).
#include "lib/cmdline/cmdline.h"
#include "lib/fs/config_file.h"
#include "lib/fs/wav_writer.h"
#include "lib/bytes.h"
#include "tests/unit/fat/fat_env.h"

#include <cmath>

using namespace oh;
using namespace oh::fs;
using namespace oh::fs::test;

namespace {

std::vector<int16_t> tone(size_t n)
{
    std::vector<int16_t> s(n);
    for (size_t i = 0; i < n; i++)
        s[i] = int16_t(std::lround(12000.0 * std::sin(2 * M_PI * 440.0 * double(i) / 8000.0)));
    return s;
}

TEST(WavWriter, HeaderBytes)
{
    uint8_t h[kWavHeaderBytes];
    build_wav_header(h, 8000, 1, 16000);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(h), 4), "RIFF");
    EXPECT_EQ(load_le32(h + 4), 36u + 16000u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(h + 8), 8), "WAVEfmt ");
    EXPECT_EQ(load_le16(h + 20), 1);
    EXPECT_EQ(load_le16(h + 22), 1);
    EXPECT_EQ(load_le32(h + 24), 8000u);
    EXPECT_EQ(load_le32(h + 28), 16000u);
    EXPECT_EQ(load_le16(h + 32), 2);
    EXPECT_EQ(load_le16(h + 34), 16);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(h + 36), 4), "data");
    EXPECT_EQ(load_le32(h + 40), 16000u);
}

TEST(WavWriter, RecordingOnFat32IsReadBySoxAndMtools)
{
    REQUIRE_TOOLS(have_tools() && sh("command -v soxi").status == 0, "mtools/dosfstools/sox");
    TempDir dir;
    std::string img = dir.file("rec.img");
    // 1 KiB clusters, so a cluster spans several sectors (and mtools still calls it FAT32).
    ASSERT_EQ(sh("mformat -i " + img + " -F -C -T 147456 -c 2 ::").status, 0);
    std::vector<int16_t> samples = tone(8000 * 3 + 77);
    {
        Mounted m(img);
        ASSERT_TRUE(m.vol.mount(m.dev).has_value());
        auto f = m.vol.create("/call1.wav");
        ASSERT_TRUE(f.has_value());
        FatRandomAccessFile raf(m.vol, *f);
        WavWriter w;
        ASSERT_TRUE(w.open(raf, 8000, 1).has_value());
        EXPECT_EQ(w.open(raf, 8000, 1).error(), Error::InvalidArgument);
        for (size_t i = 0; i < samples.size(); i += 160) // 20 ms frames, as the phone delivers them
            ASSERT_TRUE(w.write(std::span<const int16_t>(samples).subspan(i, std::min<size_t>(160, samples.size() - i))).has_value());
        // Mid-recording flush: what is on disk is already a valid WAV of what was written.
        ASSERT_TRUE(w.flush().has_value());
        ASSERT_TRUE(w.close().has_value());
        EXPECT_EQ(w.data_bytes(), samples.size() * 2);
        EXPECT_EQ(w.write(samples).error(), Error::Closed);
        ASSERT_TRUE(m.vol.sync().has_value());
        m.save();
    }
    Shell fsck = sh(fsck_path() + " -n " + img);
    EXPECT_EQ(fsck.status, 0) << fsck.out;
    std::string out = dir.file("call1.wav");
    ASSERT_EQ(sh("mcopy -n -i " + img + " ::/call1.wav " + out).status, 0);
    EXPECT_EQ(sh("soxi -r " + out).out, "8000\n");
    EXPECT_EQ(sh("soxi -c " + out).out, "1\n");
    EXPECT_EQ(sh("soxi -s " + out).out, std::to_string(samples.size()) + "\n");
    std::string bytes = read_file(out);
    ASSERT_EQ(bytes.size(), kWavHeaderBytes + samples.size() * 2);
    EXPECT_EQ(std::memcmp(bytes.data() + kWavHeaderBytes, samples.data(), samples.size() * 2), 0);
}

TEST(WavWriter, ReopenTruncatesAnOldRecording)
{
    struct MemFile final : RandomAccessFile {
        std::string data;
        Result<void> write_at(uint32_t off, std::span<const uint8_t> d) override
        {
            if (data.size() < off + d.size())
                data.resize(off + d.size());
            std::memcpy(data.data() + off, d.data(), d.size());
            return {};
        }
        Result<void> truncate(uint32_t size) override
        {
            data.resize(size);
            return {};
        }
    } mem;
    mem.data = std::string(100000, 'x');
    WavWriter w;
    ASSERT_TRUE(w.open(mem, 16000, 2).has_value());
    int16_t s[4] = { 1, -1, 300, -300 };
    ASSERT_TRUE(w.write(s).has_value());
    ASSERT_TRUE(w.close().has_value());
    ASSERT_EQ(mem.data.size(), kWavHeaderBytes + 8);
    auto* h = reinterpret_cast<const uint8_t*>(mem.data.data());
    EXPECT_EQ(load_le32(h + 4), 36u + 8u);
    EXPECT_EQ(load_le32(h + 28), 64000u);
    EXPECT_EQ(load_le16(h + 44 + 6), uint16_t(-300));
}

std::string parse(std::string_view text, ConfigParseStats& st)
{
    char out[512];
    auto r = config_to_cmdline(text, out, st);
    EXPECT_TRUE(r.has_value());
    return std::string(out, r.value_or(0));
}

TEST(OffhookCfg, LinesSpacesCommentsAndCommandLineLookups)
{
    ConfigParseStats st;
    std::string text = "# Offhook settings\r\n"
                       "sip.server=192.0.2.1\r\n"
                       "  sip.user=alice   sip.password=s3cr#t\t# password has a '#' inside\n"
                       "\n"
                       "net=dhcp\n"
                       "sip.autoanswer\n"
                       "#sip.user=mallory\n"
                       "sip.user=bob";
    std::string line = parse(text, st);
    EXPECT_EQ(line, "sip.server=192.0.2.1 sip.user=alice sip.password=s3cr#t net=dhcp sip.autoanswer sip.user=bob");
    EXPECT_EQ(st.entries, 6u);
    EXPECT_EQ(st.malformed, 0u);
    CommandLine cl(line);
    EXPECT_EQ(cl.get("sip.user"), "bob"); // the last word wins, as on the command line
    EXPECT_EQ(cl.get("sip.password"), "s3cr#t");
    EXPECT_TRUE(cl.get_bool("sip.autoanswer", false));
    // The boot command line, appended after the file, overrides it.
    std::string merged = line + " " + "net=192.0.2.10/24,192.0.2.1";
    EXPECT_EQ(CommandLine(merged).get("net"), "192.0.2.10/24,192.0.2.1");
}

TEST(OffhookCfg, BadWordsAreSkippedAndCounted)
{
    ConfigParseStats st;
    std::string text = std::string("=novalue a@b=1 ok=1 sip.user=x\x01y good.key=v=w ") + '\0' + " last=1";
    std::string line = parse(text, st);
    EXPECT_EQ(line, "ok=1 good.key=v=w last=1");
    EXPECT_EQ(st.entries, 3u);
    EXPECT_EQ(st.malformed, 4u);
    char tiny[8];
    EXPECT_EQ(config_to_cmdline("abc=1234 def=5", tiny, st).error(), Error::NoSpace);
    EXPECT_EQ(config_to_cmdline("", tiny, st).value_or(99), 0u);
}

TEST(OffhookCfg, ReadFromAFat32Image)
{
    REQUIRE_TOOLS(have_tools(), "mtools");
    TempDir dir;
    std::string img = dir.file("cfg.img");
    ASSERT_EQ(sh("mformat -i " + img + " -F -C -T 131072 -c 1 ::").status, 0);
    write_file(dir.file("offhook.cfg"), "sip.server=pbx.example\nsip.user=2001 # desk phone\n");
    ASSERT_EQ(sh("mcopy -i " + img + " " + dir.file("offhook.cfg") + " ::/").status, 0);
    Mounted m(img);
    ASSERT_TRUE(m.vol.mount(m.dev).has_value());
    auto f = m.vol.open("/offhook.cfg");
    ASSERT_TRUE(f.has_value());
    std::string text = m.read_all(*f);
    ConfigParseStats st;
    std::string line = parse(text, st);
    CommandLine cl(line);
    EXPECT_EQ(cl.get("sip.server"), "pbx.example");
    EXPECT_EQ(cl.get("sip.user"), "2001");
}

} // namespace
