// RTCP compound packet build and parse (RFC 3550 §6.1, §6.4, §6.5, §6.6, A.2).
#include "sip/media/rtcp.h"

#include "lib/bytes.h"

namespace oh::media {

namespace {

constexpr uint8_t kSdesCname = 1;

void put_header(uint8_t* p, uint8_t count, RtcpType type, size_t total_bytes)
{
    p[0] = uint8_t(0x80 | count);
    p[1] = uint8_t(type);
    store_be16(p + 2, uint16_t(total_bytes / 4 - 1)); // length in 32-bit words minus one
}

void put_block(uint8_t* p, const RtcpReportBlock& b)
{
    store_be32(p, b.ssrc);
    uint32_t lost24 = uint32_t(b.cumulative_lost) & 0xffffff;
    store_be32(p + 4, (uint32_t(b.fraction_lost) << 24) | lost24);
    store_be32(p + 8, b.extended_highest_seq);
    store_be32(p + 12, b.jitter);
    store_be32(p + 16, b.last_sr);
    store_be32(p + 20, b.delay_since_last_sr);
}

RtcpReportBlock get_block(const uint8_t* p)
{
    RtcpReportBlock b;
    b.ssrc = load_be32(p);
    uint32_t w = load_be32(p + 4);
    b.fraction_lost = uint8_t(w >> 24);
    b.cumulative_lost = int32_t(w << 8) >> 8; // sign-extend 24 bits
    b.extended_highest_seq = load_be32(p + 8);
    b.jitter = load_be32(p + 12);
    b.last_sr = load_be32(p + 16);
    b.delay_since_last_sr = load_be32(p + 20);
    return b;
}

// Report blocks that follow an SR/RR header (and sender info): pick the one about us.
void scan_blocks(std::span<const uint8_t> body, uint8_t count, uint32_t our_ssrc, RtcpSummary& s)
{
    for (size_t i = 0; i < count && (i + 1) * kRtcpReportBlockSize <= body.size(); ++i) {
        RtcpReportBlock b = get_block(body.data() + i * kRtcpReportBlockSize);
        if (b.ssrc == our_ssrc && !s.has_block_for_us) {
            s.block_for_us = b;
            s.has_block_for_us = true;
        }
    }
}

Result<void> parse_one(RtcpType type, uint8_t count, std::span<const uint8_t> body, uint32_t our_ssrc, RtcpSummary& s)
{
    switch (type) {
    case RtcpType::SenderReport: {
        if (body.size() < 24 + count * kRtcpReportBlockSize)
            return { Error::Malformed, "rtcp sr length" };
        if (s.packets == 0) {
            s.sender_ssrc = load_be32(body.data());
            s.has_sender_info = true;
            s.sender.ntp_timestamp = (uint64_t(load_be32(&body[4])) << 32) | load_be32(&body[8]);
            s.sender.rtp_timestamp = load_be32(&body[12]);
            s.sender.packet_count = load_be32(&body[16]);
            s.sender.octet_count = load_be32(&body[20]);
        }
        scan_blocks(body.subspan(24), count, our_ssrc, s);
        return {};
    }
    case RtcpType::ReceiverReport:
        if (body.size() < 4 + count * kRtcpReportBlockSize)
            return { Error::Malformed, "rtcp rr length" };
        if (s.packets == 0)
            s.sender_ssrc = load_be32(body.data());
        scan_blocks(body.subspan(4), count, our_ssrc, s);
        return {};
    case RtcpType::Bye:
        if (body.size() < count * 4u)
            return { Error::Malformed, "rtcp bye length" };
        if (count > 0) {
            s.bye = true;
            s.bye_ssrc = load_be32(body.data());
        }
        return {};
    default:
        return {}; // SDES, APP and unknown types carry nothing we act on
    }
}

} // namespace

Result<size_t> build_rtcp(const RtcpReport& r, std::span<uint8_t> out)
{
    size_t cname_len = r.cname.size();
    if (cname_len > kRtcpMaxCnameLength)
        return Error::InvalidArgument;
    size_t report_len = 8 + (r.is_sender ? 20 : 0) + (r.has_block ? kRtcpReportBlockSize : 0);
    // SDES: header, SSRC, CNAME item (type, length, text), a null end item, pad to 4 (§6.5).
    size_t sdes_len = align_up<size_t>(4 + 4 + 2 + cname_len + 1, 4);
    size_t bye_len = r.bye ? 8 : 0;
    size_t total = report_len + sdes_len + bye_len;
    if (total > out.size())
        return Error::NoSpace;
    uint8_t* p = out.data();
    fill_bytes(p, 0, total);
    uint8_t blocks = r.has_block ? 1 : 0;
    put_header(p, blocks, r.is_sender ? RtcpType::SenderReport : RtcpType::ReceiverReport, report_len);
    store_be32(p + 4, r.ssrc);
    size_t pos = 8;
    if (r.is_sender) {
        store_be32(p + pos, uint32_t(r.sender.ntp_timestamp >> 32));
        store_be32(p + pos + 4, uint32_t(r.sender.ntp_timestamp));
        store_be32(p + pos + 8, r.sender.rtp_timestamp);
        store_be32(p + pos + 12, r.sender.packet_count);
        store_be32(p + pos + 16, r.sender.octet_count);
        pos += 20;
    }
    if (r.has_block) {
        put_block(p + pos, r.block);
        pos += kRtcpReportBlockSize;
    }
    put_header(p + pos, 1, RtcpType::Sdes, sdes_len);
    store_be32(p + pos + 4, r.ssrc);
    p[pos + 8] = kSdesCname;
    p[pos + 9] = uint8_t(cname_len);
    if (cname_len)
        copy_bytes(p + pos + 10, r.cname.data(), cname_len);
    pos += sdes_len; // the zero end item and padding are already there from fill_bytes
    if (r.bye) {
        put_header(p + pos, 1, RtcpType::Bye, bye_len);
        store_be32(p + pos + 4, r.ssrc);
        pos += bye_len;
    }
    return pos;
}

Result<RtcpSummary> parse_rtcp(std::span<const uint8_t> packet, uint32_t our_ssrc)
{
    RtcpSummary s;
    size_t pos = 0;
    if (packet.size() < kRtcpHeaderSize)
        return Error::NeedMore;
    while (pos < packet.size()) {
        if (packet.size() - pos < kRtcpHeaderSize)
            return { Error::Malformed, "rtcp trailing bytes" };
        const uint8_t* h = packet.data() + pos;
        if ((h[0] >> 6) != 2)
            return { Error::Malformed, "rtcp version" };
        auto type = RtcpType(h[1]);
        if (s.packets == 0 && type != RtcpType::SenderReport && type != RtcpType::ReceiverReport)
            return { Error::Malformed, "rtcp first packet not SR/RR" };
        size_t len = (size_t(load_be16(h + 2)) + 1) * 4;
        if (len > packet.size() - pos)
            return Error::NeedMore;
        bool padded = h[0] & 0x20;
        size_t body_len = len - kRtcpHeaderSize;
        if (padded) {
            // Only the last packet of a compound may be padded (A.2).
            if (pos + len != packet.size())
                return { Error::Malformed, "rtcp padding not last" };
            uint8_t pad = h[len - 1];
            if (pad == 0 || pad > body_len)
                return { Error::Malformed, "rtcp padding" };
            body_len -= pad;
        }
        TRY(parse_one(type, h[0] & 0x1f, packet.subspan(pos + kRtcpHeaderSize, body_len), our_ssrc, s));
        if (s.packets < 0xff)
            s.packets++;
        pos += len;
    }
    return s;
}

} // namespace oh::media
