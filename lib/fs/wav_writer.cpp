// WAV recording writer.
#include "lib/fs/wav_writer.h"

#include "lib/bytes.h"

namespace oh::fs {

Result<void> FatRandomAccessFile::write_at(uint32_t offset, std::span<const uint8_t> data)
{
    uint32_t n = TRY(m_volume.write(m_file, offset, data));
    return n == data.size() ? Result<void> {} : Result<void>(Error::NoSpace);
}

void build_wav_header(uint8_t h[kWavHeaderBytes], uint32_t sample_rate, uint16_t channels, uint32_t data_bytes)
{
    uint16_t block_align = uint16_t(channels * 2);
    copy_bytes(h, "RIFF", 4);
    store_le32(h + 4, 36 + data_bytes); // everything after this field
    copy_bytes(h + 8, "WAVEfmt ", 8);
    store_le32(h + 16, 16);             // PCM "fmt " chunk size
    store_le16(h + 20, 1);              // WAVE_FORMAT_PCM
    store_le16(h + 22, channels);
    store_le32(h + 24, sample_rate);
    store_le32(h + 28, sample_rate * block_align);
    store_le16(h + 32, block_align);
    store_le16(h + 34, 16);             // bits per sample
    copy_bytes(h + 36, "data", 4);
    store_le32(h + 40, data_bytes);
}

Result<void> WavWriter::open(RandomAccessFile& file, uint32_t sample_rate, uint16_t channels)
{
    if (m_file || channels == 0 || sample_rate == 0)
        return Error::InvalidArgument;
    TRY(file.truncate(0));
    uint8_t h[kWavHeaderBytes];
    build_wav_header(h, sample_rate, channels, 0);
    TRY(file.write_at(0, h));
    m_file = &file;
    m_data_bytes = 0;
    m_buffered = 0;
    // Keep the format for the header patches.
    m_sample_rate = sample_rate;
    m_channels = channels;
    return {};
}

Result<void> WavWriter::write(std::span<const int16_t> samples)
{
    if (!m_file)
        return Error::Closed;
    for (int16_t s : samples) {
        if (m_buffered + 2 > kBufferBytes)
            TRY(write_buffer());
        // The RIFF data chunk of a 4 GiB file is the limit: stop before the size overflows.
        if (m_data_bytes + m_buffered > 0xffffffffu - kWavHeaderBytes - 2)
            return Error::Overflow;
        store_le16(m_buffer + m_buffered, uint16_t(s));
        m_buffered += 2;
    }
    return {};
}

Result<void> WavWriter::write_buffer()
{
    if (m_buffered == 0)
        return {};
    TRY(m_file->write_at(kWavHeaderBytes + m_data_bytes, std::span<const uint8_t>(m_buffer, m_buffered)));
    m_data_bytes += m_buffered;
    m_buffered = 0;
    return {};
}

Result<void> WavWriter::flush()
{
    if (!m_file)
        return Error::Closed;
    TRY(write_buffer());
    uint8_t h[kWavHeaderBytes];
    build_wav_header(h, m_sample_rate, m_channels, m_data_bytes);
    return m_file->write_at(0, h);
}

Result<void> WavWriter::close()
{
    auto r = flush();
    m_file = nullptr;
    return r;
}

} // namespace oh::fs
