// WAV (RIFF/WAVE, 16-bit PCM) writer for call recordings: streams samples into a file and
// patches the RIFF and data chunk sizes at close, so an interrupted recording is still
// readable up to its last patch.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/fs/fat32.h"
#include "lib/result.h"

namespace oh::fs {

// Where the bytes go: positioned writes into one file.
class RandomAccessFile {
public:
    virtual Result<void> write_at(uint32_t offset, std::span<const uint8_t> data) = 0;
    virtual Result<void> truncate(uint32_t size) = 0;

protected:
    ~RandomAccessFile() = default;
};

// A FAT32 file as a RandomAccessFile.
class FatRandomAccessFile final : public RandomAccessFile {
public:
    FatRandomAccessFile(Fat32Volume& volume, FatFile& file) : m_volume(volume), m_file(file) { }
    Result<void> write_at(uint32_t offset, std::span<const uint8_t> data) override;
    Result<void> truncate(uint32_t size) override { return m_volume.truncate(m_file, size); }

private:
    Fat32Volume& m_volume;
    FatFile& m_file;
};

constexpr uint32_t kWavHeaderBytes = 44;

class WavWriter {
public:
    // Starts the file afresh with a header whose sizes are patched later.
    Result<void> open(RandomAccessFile& file, uint32_t sample_rate, uint16_t channels);
    // Interleaved 16-bit samples; buffered, written a block at a time.
    Result<void> write(std::span<const int16_t> samples);
    // Writes what is buffered and patches the header's sizes (also usable mid-recording).
    Result<void> flush();
    Result<void> close();
    uint32_t data_bytes() const { return m_data_bytes; }
    bool is_open() const { return m_file != nullptr; }

private:
    Result<void> write_buffer();

    static constexpr size_t kBufferBytes = 2048;
    RandomAccessFile* m_file { nullptr };
    uint32_t m_data_bytes { 0 }; // written to the file (not counting the buffer)
    uint32_t m_buffered { 0 };
    uint32_t m_sample_rate { 0 };
    uint16_t m_channels { 0 };
    uint8_t m_buffer[kBufferBytes] {};
};

// The 44-byte canonical header [Microsoft RIFF/WAVE: "fmt " chunk, WAVE_FORMAT_PCM].
void build_wav_header(uint8_t out[kWavHeaderBytes], uint32_t sample_rate, uint16_t channels, uint32_t data_bytes);

} // namespace oh::fs
