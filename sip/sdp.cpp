// SDP parser and offer/answer for G.711 + telephone-event (RFC 4566, RFC 3264, RFC 4733).
#include "sip/sdp.h"

#include "sip/uri.h"

namespace oh::sip {

namespace {

// Splits on single spaces (SDP fields are separated by exactly one space, RFC 4566 §5).
class Fields {
public:
    explicit Fields(Str s) : m_rest(s) { }
    bool next(Str& out)
    {
        if (m_done)
            return false;
        size_t sp = find_char(m_rest, ' ');
        out = m_rest.substr(0, sp);
        if (sp == kNpos)
            m_done = true;
        else
            m_rest = m_rest.substr(sp + 1);
        return !out.empty();
    }
    Str rest() const { return m_done ? Str {} : m_rest; }

private:
    Str m_rest;
    bool m_done { false };
};

Result<void> parse_connection(Str v, Ipv4Address& addr, bool& has)
{
    // c=IN IP4 <address>[/ttl]; IP6 is recognised but we cannot use it.
    Fields f(v);
    Str net, type, address;
    if (!f.next(net) || !f.next(type) || !f.next(address) || net != "IN")
        return Result<void>(Error::Malformed, "Bad c= line");
    if (type != "IP4")
        return {};
    size_t slash = find_char(address, '/');
    if (!parse_ipv4(address.substr(0, slash), addr))
        return Result<void>(Error::Malformed, "Bad c= address");
    has = true;
    return {};
}

Codec codec_from_rtpmap(Str encoding)
{
    size_t slash = find_char(encoding, '/');
    Str name = encoding.substr(0, slash);
    Str rate = slash == kNpos ? Str {} : encoding.substr(slash + 1, find_char(encoding, '/', slash + 1) - slash - 1);
    if (rate != "8000")
        return Codec::Other;
    if (ieq(name, "PCMU"))
        return Codec::Pcmu;
    if (ieq(name, "PCMA"))
        return Codec::Pcma;
    if (ieq(name, "telephone-event"))
        return Codec::TelephoneEvent;
    return Codec::Other;
}

Result<void> parse_media_line(Str v, SdpMedia& m)
{
    // m=<media> <port>[/<count>] <proto> <fmt> ...
    Fields f(v);
    Str port;
    if (!f.next(m.type) || !f.next(port) || !f.next(m.proto))
        return Result<void>(Error::Malformed, "Bad m= line");
    auto p = parse_uint(port.substr(0, find_char(port, '/')), 65535);
    if (!p)
        return Result<void>(Error::Malformed, "Bad m= port");
    m.port = uint16_t(*p);
    m.fmt_list = f.rest();
    Str fmt;
    bool rtp = istarts_with(m.proto, "RTP/");
    while (f.next(fmt)) {
        if (!rtp)
            continue;
        auto pt = parse_uint(fmt, 127);
        if (!pt)
            return Result<void>(Error::Malformed, "Bad payload type");
        if (m.format_count == kMaxSdpFormats)
            continue;
        // Static assignments (RFC 3551 table 4) until an rtpmap says otherwise.
        Codec c = *pt == 0 ? Codec::Pcmu : *pt == 8 ? Codec::Pcma : Codec::Other;
        m.formats[m.format_count++] = { uint8_t(*pt), c };
    }
    return {};
}

bool parse_direction(Str a, Direction& d)
{
    if (a == "sendrecv")
        d = Direction::SendRecv;
    else if (a == "sendonly")
        d = Direction::SendOnly;
    else if (a == "recvonly")
        d = Direction::RecvOnly;
    else if (a == "inactive")
        d = Direction::Inactive;
    else
        return false;
    return true;
}

Result<void> parse_attribute(Str a, SessionDescription& s)
{
    SdpMedia* m = s.media_count ? &s.media[s.media_count - 1] : nullptr;
    Direction d;
    if (parse_direction(a, d)) {
        if (m) {
            m->direction = d;
            m->has_direction = true;
        } else {
            s.direction = d;
        }
        return {};
    }
    if (!m)
        return {};
    if (istarts_with(a, "rtpmap:")) {
        Fields f(a.substr(7));
        Str pt_text, encoding;
        if (!f.next(pt_text) || !f.next(encoding))
            return Result<void>(Error::Malformed, "Bad rtpmap");
        auto pt = parse_uint(pt_text, 127);
        if (!pt)
            return Result<void>(Error::Malformed, "Bad rtpmap");
        for (uint8_t i = 0; i < m->format_count; i++)
            if (m->formats[i].pt == *pt)
                m->formats[i].codec = codec_from_rtpmap(encoding);
    } else if (istarts_with(a, "rtcp:")) {
        // RFC 3605 §2.1: "a=rtcp:" port [nettype space addrtype space connection-address]
        Fields f(a.substr(5));
        Str port_text, nettype, addrtype, address;
        if (!f.next(port_text))
            return Result<void>(Error::Malformed, "Bad rtcp");
        auto port = parse_uint(port_text, 65535);
        if (!port || *port == 0)
            return Result<void>(Error::Malformed, "Bad rtcp");
        m->rtcp_port = uint16_t(*port);
        if (f.next(nettype) && f.next(addrtype) && f.next(address) && addrtype == "IP4") {
            if (nettype != "IN" || !parse_ipv4(address, m->rtcp_address))
                return Result<void>(Error::Malformed, "Bad rtcp address");
            m->has_rtcp_address = true;
        }
    } else if (istarts_with(a, "ptime:")) {
        auto pt = parse_uint(trim(a.substr(6)), 1000);
        if (!pt)
            return Result<void>(Error::Malformed, "Bad ptime");
        m->ptime = uint16_t(*pt);
    }
    return {};
}

Result<void> parse_line(char type, Str v, SessionDescription& s)
{
    switch (type) {
    case 'o': {
        Fields f(v);
        if (!f.next(s.origin_user) || !f.next(s.session_id) || !f.next(s.session_version))
            return Result<void>(Error::Malformed, "Bad o= line");
        return {};
    }
    case 'c':
        if (s.media_count)
            return parse_connection(v, s.media[s.media_count - 1].address, s.media[s.media_count - 1].has_address);
        return parse_connection(v, s.address, s.has_address);
    case 'm':
        if (s.media_count == kMaxSdpMedia)
            return Result<void>(Error::Unsupported, "Too many media");
        return parse_media_line(v, s.media[s.media_count++]);
    case 'a':
        return parse_attribute(v, s);
    default:
        return {};
    }
}

const SdpFormat* find_codec(const SdpMedia& m, Codec c)
{
    for (uint8_t i = 0; i < m.format_count; i++)
        if (m.formats[i].codec == c)
            return &m.formats[i];
    return nullptr;
}

uint8_t static_pt(Codec c) { return c == Codec::Pcmu ? 0 : 8; }

void write_session_header(Writer& w, const LocalMedia& local)
{
    w.put("v=0\r\no=- ").put_uint(local.session_id).put(' ').put_uint(local.session_version).put(" IN IP4 ");
    w.put_ipv4(local.rtp.address.value).put("\r\ns=-\r\nc=IN IP4 ").put_ipv4(local.rtp.address.value);
    w.put("\r\nt=0 0\r\n");
}

void write_rtpmap(Writer& w, uint8_t pt, Codec c)
{
    w.put("a=rtpmap:").put_uint(pt).put(' ').put(codec_name(c)).put("/8000\r\n");
    if (c == Codec::TelephoneEvent)
        w.put("a=fmtp:").put_uint(pt).put(" 0-16\r\n");
}

// Which m= line is the audio stream we use: the first audio RTP/AVP one with a port.
int pick_audio(const SessionDescription& s)
{
    for (uint8_t i = 0; i < s.media_count; i++)
        if (s.media[i].type == "audio" && s.media[i].port != 0 && istarts_with(s.media[i].proto, "RTP/AVP"))
            return i;
    return -1;
}

MediaSession remote_session(const SessionDescription& s, const SdpMedia& m)
{
    MediaSession ms;
    ms.remote.address = m.has_address ? m.address : s.address;
    ms.remote.port = m.port;
    // RFC 3550 §11: the next higher (odd) port, unless RFC 3605 a=rtcp says otherwise.
    ms.remote_rtcp.address = m.has_rtcp_address ? m.rtcp_address : ms.remote.address;
    ms.remote_rtcp.port = m.rtcp_port ? m.rtcp_port : uint16_t(m.port + 1);
    ms.ptime = m.ptime ? m.ptime : 20;
    if (const SdpFormat* te = find_codec(m, Codec::TelephoneEvent))
        ms.te_pt = te->pt;
    return ms;
}

Direction remote_direction(const SessionDescription& s, const SdpMedia& m)
{
    return m.has_direction ? m.direction : s.direction;
}

} // namespace

Str direction_name(Direction d)
{
    switch (d) {
    case Direction::SendRecv: return "sendrecv";
    case Direction::SendOnly: return "sendonly";
    case Direction::RecvOnly: return "recvonly";
    case Direction::Inactive: return "inactive";
    }
    return "sendrecv";
}

Str codec_name(Codec c)
{
    switch (c) {
    case Codec::Pcmu: return "PCMU";
    case Codec::Pcma: return "PCMA";
    case Codec::TelephoneEvent: return "telephone-event";
    default: return "?";
    }
}

Result<void> parse_sdp(Str text, SessionDescription& s)
{
    s = SessionDescription {};
    size_t at = 0;
    bool first = true;
    while (at < text.size()) {
        size_t nl = find_char(text, '\n', at);
        size_t end = nl == kNpos ? text.size() : nl;
        Str line = text.substr(at, end - at);
        at = nl == kNpos ? text.size() : nl + 1;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty())
            continue;
        // RFC 4566 §5: <type>=<value>, type a single letter, and v=0 comes first.
        if (line.size() < 2 || line[1] != '=' || !is_alpha(line[0]))
            return Result<void>(Error::Malformed, "Bad SDP line");
        if (first && line != "v=0")
            return Result<void>(Error::Malformed, "SDP must start with v=0");
        first = false;
        TRY(parse_line(line[0], line.substr(2), s));
    }
    if (first)
        return Result<void>(Error::Malformed, "Empty SDP");
    return {};
}

Direction answer_direction(Direction offered, Direction want)
{
    switch (offered) {
    case Direction::Inactive: return Direction::Inactive;
    case Direction::SendOnly: return want == Direction::SendOnly ? Direction::Inactive : Direction::RecvOnly;
    case Direction::RecvOnly: return want == Direction::RecvOnly ? Direction::Inactive : Direction::SendOnly;
    case Direction::SendRecv: return want;
    }
    return want;
}

// The first format of the remote m= line (its order of preference) that we support.
static bool choose_codec(const SdpMedia& m, const LocalMedia& local, MediaSession& ms)
{
    for (uint8_t i = 0; i < m.format_count; i++) {
        for (uint8_t k = 0; k < local.codec_count; k++) {
            if (m.formats[i].codec == local.codecs[k]) {
                ms.codec = local.codecs[k];
                ms.pt = m.formats[i].pt;
                return true;
            }
        }
    }
    return false;
}

Result<MediaSession> negotiate_offer(const SessionDescription& offer, const LocalMedia& local, Direction want)
{
    int idx = pick_audio(offer);
    if (idx < 0)
        return Result<MediaSession>(Error::Unsupported, "No audio stream");
    const SdpMedia& m = offer.media[idx];
    MediaSession ms = remote_session(offer, m);
    ms.media_index = uint8_t(idx);
    // RFC 3264 §6.1: keep the offerer's preference among what we support.
    if (!choose_codec(m, local, ms))
        return Result<MediaSession>(Error::Unsupported, "No common codec");
    ms.direction = answer_direction(remote_direction(offer, m), want);
    return ms;
}

Result<MediaSession> accept_answer(const SessionDescription& answer, const LocalMedia& local)
{
    int idx = pick_audio(answer);
    if (idx < 0)
        return Result<MediaSession>(Error::Unsupported, "Audio rejected");
    const SdpMedia& m = answer.media[idx];
    MediaSession ms = remote_session(answer, m);
    ms.media_index = uint8_t(idx);
    if (!choose_codec(m, local, ms))
        return Result<MediaSession>(Error::Unsupported, "No common codec");
    // Our direction is the mirror of theirs.
    switch (remote_direction(answer, m)) {
    case Direction::SendOnly: ms.direction = Direction::RecvOnly; break;
    case Direction::RecvOnly: ms.direction = Direction::SendOnly; break;
    case Direction::Inactive: ms.direction = Direction::Inactive; break;
    case Direction::SendRecv: ms.direction = Direction::SendRecv; break;
    }
    return ms;
}

void write_sdp_offer(Writer& w, const LocalMedia& local, Direction dir)
{
    write_session_header(w, local);
    w.put("m=audio ").put_uint(local.rtp.port).put(" RTP/AVP");
    for (uint8_t k = 0; k < local.codec_count; k++)
        w.put(' ').put_uint(static_pt(local.codecs[k]));
    w.put(' ').put_uint(local.te_pt).put("\r\n");
    for (uint8_t k = 0; k < local.codec_count; k++)
        write_rtpmap(w, static_pt(local.codecs[k]), local.codecs[k]);
    write_rtpmap(w, local.te_pt, Codec::TelephoneEvent);
    w.put("a=ptime:").put_uint(local.ptime).put("\r\na=").put(direction_name(dir)).put("\r\n");
}

void write_sdp_answer(Writer& w, const LocalMedia& local, const SessionDescription& offer, const MediaSession& chosen)
{
    write_session_header(w, local);
    for (uint8_t i = 0; i < offer.media_count; i++) {
        const SdpMedia& m = offer.media[i];
        if (i != chosen.media_index) {
            w.put("m=").put(m.type).put(" 0 ").put(m.proto).put(' ').put(m.fmt_list).put("\r\n");
            continue;
        }
        w.put("m=audio ").put_uint(local.rtp.port).put(' ').put(m.proto).put(' ').put_uint(chosen.pt);
        if (chosen.te_pt != kNoPayloadType)
            w.put(' ').put_uint(chosen.te_pt);
        w.put("\r\n");
        write_rtpmap(w, chosen.pt, chosen.codec);
        if (chosen.te_pt != kNoPayloadType)
            write_rtpmap(w, chosen.te_pt, Codec::TelephoneEvent);
        w.put("a=ptime:").put_uint(local.ptime).put("\r\na=").put(direction_name(chosen.direction)).put("\r\n");
    }
}

} // namespace oh::sip
