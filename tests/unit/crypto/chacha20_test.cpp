// ChaCha20 against the test vectors of RFC 8439 §2.3.2, §2.4.2 and Appendix A.1/A.2.
#include "lib/crypto/chacha20.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace {

using oh::crypto::chacha20_block;
using oh::crypto::chacha20_xor;

// "10 f1 e7 ..." or "00:01:02 ..." as typed in the RFC: every pair of hex digits is a byte.
std::vector<uint8_t> hex(const std::string& text)
{
    std::vector<uint8_t> out;
    int nibbles = 0, value = 0;
    for (char c : text) {
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0)
            continue;
        value = value * 16 + v;
        if (++nibbles == 2) {
            out.push_back(uint8_t(value));
            nibbles = value = 0;
        }
    }
    return out;
}

template<size_t N>
std::array<uint8_t, N> fixed(const std::string& text)
{
    auto v = hex(text);
    EXPECT_EQ(v.size(), N);
    std::array<uint8_t, N> a {};
    std::copy_n(v.begin(), std::min(N, v.size()), a.begin());
    return a;
}

std::vector<uint8_t> block(const std::array<uint8_t, 32>& key, uint32_t counter, const std::array<uint8_t, 12>& nonce)
{
    std::vector<uint8_t> out(64);
    chacha20_block(key, counter, nonce, std::span<uint8_t, 64>(out.data(), 64));
    return out;
}

const std::string kSequentialKey = "00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:"
                                   "14:15:16:17:18:19:1a:1b:1c:1d:1e:1f";

TEST(ChaCha20, Rfc8439BlockFunctionVector)
{
    // RFC 8439 §2.3.2.
    auto key = fixed<32>(kSequentialKey);
    auto nonce = fixed<12>("00:00:00:09:00:00:00:4a:00:00:00:00");
    EXPECT_EQ(block(key, 1, nonce), hex("10 f1 e7 e4 d1 3b 59 15 50 0f dd 1f a3 20 71 c4"
                                        "c7 d1 f4 c7 33 c0 68 03 04 22 aa 9a c3 d4 6c 4e"
                                        "d2 82 64 46 07 9f aa 09 14 c2 d7 05 d9 8b 02 a2"
                                        "b5 12 9c d1 de 16 4e b9 cb d0 83 e8 a2 50 3c 4e"));
}

TEST(ChaCha20, Rfc8439AppendixA1BlockVectors)
{
    std::array<uint8_t, 32> zero_key {};
    std::array<uint8_t, 12> zero_nonce {};
    // Test Vector #1: all zero, counter 0.
    EXPECT_EQ(block(zero_key, 0, zero_nonce), hex("76 b8 e0 ad a0 f1 3d 90 40 5d 6a e5 53 86 bd 28"
                                                  "bd d2 19 b8 a0 8d ed 1a a8 36 ef cc 8b 77 0d c7"
                                                  "da 41 59 7c 51 57 48 8d 77 24 e0 3f b8 d8 4a 37"
                                                  "6a 43 b8 f4 15 18 a1 1c c3 87 b6 69 b2 ee 65 86"));
    // Test Vector #2: counter 1.
    EXPECT_EQ(block(zero_key, 1, zero_nonce), hex("9f 07 e7 be 55 51 38 7a 98 ba 97 7c 73 2d 08 0d"
                                                  "cb 0f 29 a0 48 e3 65 69 12 c6 53 3e 32 ee 7a ed"
                                                  "29 b7 21 76 9c e6 4e 43 d5 71 33 b0 74 d8 39 d5"
                                                  "31 ed 1f 28 51 0a fb 45 ac e1 0a 1f 4b 79 4d 6f"));
    // Test Vector #3: the key's last byte 01, counter 1.
    auto key3 = zero_key;
    key3[31] = 0x01;
    EXPECT_EQ(block(key3, 1, zero_nonce), hex("3a eb 52 24 ec f8 49 92 9b 9d 82 8d b1 ce d4 dd"
                                              "83 20 25 e8 01 8b 81 60 b8 22 84 f3 c9 49 aa 5a"
                                              "8e ca 00 bb b4 a7 3b da d1 92 b5 c4 2f 73 f2 fd"
                                              "4e 27 36 44 c8 b3 61 25 a6 4a dd eb 00 6c 13 a0"));
    // Test Vector #4: the key's second byte ff, counter 2.
    auto key4 = zero_key;
    key4[1] = 0xff;
    EXPECT_EQ(block(key4, 2, zero_nonce), hex("72 d5 4d fb f1 2e c4 4b 36 26 92 df 94 13 7f 32"
                                              "8f ea 8d a7 39 90 26 5e c1 bb be a1 ae 9a f0 ca"
                                              "13 b2 5a a2 6c b4 a6 48 cb 9b 9d 1b e6 5b 2c 09"
                                              "24 a6 6c 54 d5 45 ec 1b 73 74 f4 87 2e 99 f0 96"));
    // Test Vector #5: the nonce's last byte 02, counter 0.
    auto nonce5 = zero_nonce;
    nonce5[11] = 0x02;
    EXPECT_EQ(block(zero_key, 0, nonce5), hex("c2 c6 4d 37 8c d5 36 37 4a e2 04 b9 ef 93 3f cd"
                                              "1a 8b 22 88 b3 df a4 96 72 ab 76 5b 54 ee 27 c7"
                                              "8a 97 0e 0e 95 5c 14 f3 a8 8e 74 1b 97 c2 86 f7"
                                              "5f 8f c2 99 e8 14 83 62 fa 19 8a 39 53 1b ed 6d"));
}

TEST(ChaCha20, Rfc8439EncryptionVectorSunscreen)
{
    // RFC 8439 §2.4.2: two blocks and a partial third (114 bytes), counter 1.
    auto key = fixed<32>(kSequentialKey);
    auto nonce = fixed<12>("00:00:00:00:00:00:00:4a:00:00:00:00");
    std::string text = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
                       "future, sunscreen would be it.";
    ASSERT_EQ(text.size(), 114u);
    std::vector<uint8_t> plain(text.begin(), text.end());
    std::vector<uint8_t> cipher(plain.size());
    chacha20_xor(key, 1, nonce, plain, cipher);
    EXPECT_EQ(cipher, hex("6e 2e 35 9a 25 68 f9 80 41 ba 07 28 dd 0d 69 81"
                          "e9 7e 7a ec 1d 43 60 c2 0a 27 af cc fd 9f ae 0b"
                          "f9 1b 65 c5 52 47 33 ab 8f 59 3d ab cd 62 b3 57"
                          "16 39 d6 24 e6 51 52 ab 8f 53 0c 35 9f 08 61 d8"
                          "07 ca 0d bf 50 0d 6a 61 56 a3 8e 08 8a 22 b6 5e"
                          "52 bc 51 4d 16 cc f8 06 81 8c e9 1a b7 79 37 36"
                          "5a f9 0b bf 74 a3 5b e6 b4 0b 8e ed f2 78 5e 42"
                          "87 4d"));
    // Decryption is the same operation (§2.4), in place.
    chacha20_xor(key, 1, nonce, cipher, cipher);
    EXPECT_EQ(cipher, plain);
}

TEST(ChaCha20, Rfc8439AppendixA2EncryptionVector3)
{
    // RFC 8439 A.2 Test Vector #3: counter 42, a 127-byte text ending mid-block.
    auto key = fixed<32>("1c 92 40 a5 eb 55 d3 8a f3 33 88 86 04 f6 b5 f0"
                         "47 39 17 c1 40 2b 80 09 9d ca 5c bc 20 70 75 c0");
    auto nonce = fixed<12>("00 00 00 00 00 00 00 00 00 00 00 02");
    std::string text = "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\nAll mimsy were the "
                       "borogoves,\nAnd the mome raths outgrabe.";
    ASSERT_EQ(text.size(), 127u);
    std::vector<uint8_t> plain(text.begin(), text.end());
    std::vector<uint8_t> cipher(plain.size());
    chacha20_xor(key, 42, nonce, plain, cipher);
    EXPECT_EQ(cipher, hex("62 e6 34 7f 95 ed 87 a4 5f fa e7 42 6f 27 a1 df"
                          "5f b6 91 10 04 4c 0d 73 11 8e ff a9 5b 01 e5 cf"
                          "16 6d 3d f2 d7 21 ca f9 b2 1e 5f b1 4c 61 68 71"
                          "fd 84 c5 4f 9d 65 b2 83 19 6c 7f e4 f6 05 53 eb"
                          "f3 9c 64 02 c4 22 34 e3 2a 35 6b 3e 76 43 12 a6"
                          "1a 55 32 05 57 16 ea d6 96 25 68 f8 7d 3f 3f 77"
                          "04 c6 a8 d1 bc d1 bf 4d 50 d6 15 4b 6d a7 31 b1"
                          "87 b5 8d fd 72 8a fa 36 75 7a 79 7a c1 88 d1"));
}

TEST(ChaCha20, WipeClears)
{
    uint8_t secret[40];
    for (auto& b : secret)
        b = 0xa5;
    oh::crypto::wipe(secret, sizeof(secret));
    for (auto b : secret)
        EXPECT_EQ(b, 0);
}

} // namespace
