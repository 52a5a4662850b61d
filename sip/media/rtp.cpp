// RTP header parse/build and receive statistics (RFC 3550 §5.1, appendix A).
#include "sip/media/rtp.h"

#include "lib/bytes.h"

namespace oh::media {

uint32_t RtpPacketView::csrc_at(size_t i) const
{
    if (i >= csrc_count || csrc.size() < (i + 1) * 4)
        return 0;
    return load_be32(csrc.data() + i * 4);
}

Result<RtpPacketView> parse_rtp(std::span<const uint8_t> p)
{
    if (p.size() < 1)
        return Error::NeedMore;
    if ((p[0] >> 6) != kRtpVersion)
        return { Error::Malformed, "rtp version" };
    if (p.size() < kRtpHeaderSize)
        return Error::NeedMore;
    RtpPacketView v;
    bool has_padding = p[0] & 0x20;
    v.has_extension = p[0] & 0x10;
    v.csrc_count = p[0] & 0x0f;
    v.marker = p[1] & 0x80;
    v.payload_type = p[1] & 0x7f;
    // RFC 5761 §4: 72-76 with M set overlaps RTCP SR/RR/SDES/BYE/APP (200-204).
    if (v.marker && v.payload_type >= 72 && v.payload_type <= 76)
        return { Error::Malformed, "rtcp packet type" };
    v.sequence = load_be16(&p[2]);
    v.timestamp = load_be32(&p[4]);
    v.ssrc = load_be32(&p[8]);
    size_t pos = kRtpHeaderSize;
    size_t csrc_bytes = size_t(v.csrc_count) * 4;
    if (p.size() < pos + csrc_bytes)
        return Error::NeedMore;
    v.csrc = p.subspan(pos, csrc_bytes);
    pos += csrc_bytes;
    if (v.has_extension) {
        // RFC 3550 §5.3.1: 16-bit profile word, 16-bit length in 32-bit words.
        if (p.size() < pos + 4)
            return Error::NeedMore;
        v.extension_profile = load_be16(&p[pos]);
        size_t ext_bytes = size_t(load_be16(&p[pos + 2])) * 4;
        pos += 4;
        if (p.size() < pos + ext_bytes)
            return Error::NeedMore;
        v.extension = p.subspan(pos, ext_bytes);
        pos += ext_bytes;
    }
    size_t end = p.size();
    if (has_padding) {
        // The last octet counts the padding, itself included (§5.1 "P").
        uint8_t pad = p[end - 1];
        if (pad == 0 || pad > end - pos)
            return { Error::Malformed, "rtp padding" };
        v.padding = pad;
        end -= pad;
    }
    v.payload = p.subspan(pos, end - pos);
    return v;
}

Result<size_t> build_rtp(const RtpHeaderFields& f, std::span<const uint8_t> payload, std::span<uint8_t> out)
{
    if (f.csrc.size() > kRtpMaxCsrc || f.payload_type > 127 || (f.extension.size() % 4) != 0
        || f.extension.size() / 4 > 0xffff)
        return Error::InvalidArgument;
    size_t len = kRtpHeaderSize + f.csrc.size() * 4 + (f.has_extension ? 4 + f.extension.size() : 0)
        + payload.size() + f.padding;
    if (len > out.size())
        return Error::NoSpace;
    uint8_t* p = out.data();
    p[0] = uint8_t((kRtpVersion << 6) | (f.padding ? 0x20 : 0) | (f.has_extension ? 0x10 : 0) | f.csrc.size());
    p[1] = uint8_t((f.marker ? 0x80 : 0) | f.payload_type);
    store_be16(p + 2, f.sequence);
    store_be32(p + 4, f.timestamp);
    store_be32(p + 8, f.ssrc);
    size_t pos = kRtpHeaderSize;
    for (uint32_t c : f.csrc) {
        store_be32(p + pos, c);
        pos += 4;
    }
    if (f.has_extension) {
        store_be16(p + pos, f.extension_profile);
        store_be16(p + pos + 2, uint16_t(f.extension.size() / 4));
        pos += 4;
        if (!f.extension.empty())
            copy_bytes(p + pos, f.extension.data(), f.extension.size());
        pos += f.extension.size();
    }
    if (!payload.empty())
        copy_bytes(p + pos, payload.data(), payload.size());
    pos += payload.size();
    if (f.padding) {
        fill_bytes(p + pos, 0, f.padding - 1u);
        p[pos + f.padding - 1] = f.padding;
        pos += f.padding;
    }
    return pos;
}

void RtpReceiveStats::reset(uint32_t ssrc, uint16_t seq)
{
    *this = RtpReceiveStats {};
    m_ssrc = ssrc;
    m_initialized = true;
    restart(seq);
    m_max_seq = uint16_t(seq - 1);
    m_probation = kMinSequential;
}

void RtpReceiveStats::restart(uint16_t seq)
{
    m_base_seq = seq;
    m_max_seq = seq;
    m_bad_seq = 0x10001; // never equal to a 16-bit sequence number
    m_cycles = 0;
    m_received = 0;
    m_received_prior = 0;
    m_expected_prior = 0;
}

// RFC 3550 A.1: a source is valid after kMinSequential in-order packets; a jump larger than
// kMaxDropout is taken as a restart only when the next packet confirms it.
RtpReceiveStats::Verdict RtpReceiveStats::update(uint16_t seq, uint32_t rtp_timestamp, uint32_t arrival)
{
    uint16_t delta = uint16_t(seq - m_max_seq);
    if (m_probation) {
        if (seq == uint16_t(m_max_seq + 1)) {
            m_probation--;
            m_max_seq = seq;
            if (m_probation == 0) {
                restart(seq);
                m_received++;
                update_jitter(rtp_timestamp, arrival);
                return Verdict::Accept;
            }
        } else {
            m_probation = kMinSequential - 1;
            m_max_seq = seq;
        }
        update_jitter(rtp_timestamp, arrival);
        return Verdict::Probation;
    }
    if (delta == 0)
        return Verdict::Duplicate;
    if (delta < kMaxDropout) {
        if (seq < m_max_seq)
            m_cycles += 0x10000;
        m_max_seq = seq;
    } else if (delta <= 0x10000 - kMaxMisorder) {
        if (seq == m_bad_seq) {
            // Two sequential packets after a big jump: the sender restarted.
            restart(seq);
        } else {
            m_bad_seq = (uint32_t(seq) + 1) & 0xffff;
            return Verdict::BadSequence;
        }
    }
    // else: reordered or duplicated within kMaxMisorder, counted but max_seq unchanged.
    m_received++;
    update_jitter(rtp_timestamp, arrival);
    return Verdict::Accept;
}

// RFC 3550 A.8: J += (|D| - J) / 16, kept scaled by 16 to avoid a division.
void RtpReceiveStats::update_jitter(uint32_t rtp_timestamp, uint32_t arrival)
{
    uint32_t transit = arrival - rtp_timestamp;
    if (m_have_transit) {
        int32_t d = int32_t(transit - m_transit);
        uint32_t ad = d < 0 ? uint32_t(-int64_t(d)) : uint32_t(d);
        m_jitter += ad - ((m_jitter + 8) >> 4);
    }
    m_transit = transit;
    m_have_transit = true;
}

int32_t RtpReceiveStats::cumulative_lost() const
{
    if (!m_initialized)
        return 0;
    int64_t lost = int64_t(expected()) - int64_t(m_received);
    // RFC 3550 §6.4.1: a 24-bit signed field, clamped.
    if (lost > 0x7fffff)
        lost = 0x7fffff;
    if (lost < -0x800000)
        lost = -0x800000;
    return int32_t(lost);
}

uint8_t RtpReceiveStats::take_fraction_lost()
{
    if (!m_initialized)
        return 0;
    uint32_t expected_now = expected();
    uint32_t expected_interval = expected_now - m_expected_prior;
    m_expected_prior = expected_now;
    uint32_t received_interval = m_received - m_received_prior;
    m_received_prior = m_received;
    if (expected_interval == 0 || received_interval >= expected_interval)
        return 0;
    uint32_t lost_interval = expected_interval - received_interval;
    return uint8_t((uint64_t(lost_interval) << 8) / expected_interval);
}

} // namespace oh::media
