// RFC 4733 telephone-event encode/decode, digit sender and receiver.
#include "sip/media/telephone_event.h"

#include "lib/bytes.h"

namespace oh::media {

namespace {
constexpr char kKeys[17] = "0123456789*#ABCD"; // RFC 4733 §3.2 table 7 order
}

Result<TelephoneEvent> parse_telephone_event(std::span<const uint8_t> p)
{
    // Several events may be stacked in one packet (§2.5.1.5, redundancy); the first is the
    // newest only with RFC 2198, which we do not negotiate, so read the first block.
    if (p.size() < kTelephoneEventSize)
        return Error::NeedMore;
    TelephoneEvent e;
    e.event = p[0];
    e.end = p[1] & 0x80;
    e.volume = p[1] & 0x3f;
    e.duration = load_be16(&p[2]);
    return e;
}

void build_telephone_event(const TelephoneEvent& e, std::span<uint8_t, kTelephoneEventSize> out)
{
    out[0] = e.event;
    out[1] = uint8_t((e.end ? 0x80 : 0) | (e.volume & 0x3f)); // R bit stays 0
    store_be16(&out[2], e.duration);
}

int dtmf_event_code(char key)
{
    if (key >= 'a' && key <= 'd')
        key = char(key - 'a' + 'A');
    for (int i = 0; i < 16; ++i) {
        if (kKeys[i] == key)
            return i;
    }
    return -1;
}

char dtmf_event_key(uint8_t code) { return code < 16 ? kKeys[code] : 0; }

Result<void> TelephoneEventSender::start(char key, uint16_t duration_ms)
{
    int code = dtmf_event_code(key);
    if (code < 0)
        return { Error::InvalidArgument, "not a DTMF key" };
    if (m_active)
        return Error::Busy;
    // At least 40 ms (Q.24), at most 5 s so one event never needs §2.5.2.3 segments.
    uint32_t ms = duration_ms < 40 ? 40 : (duration_ms > 5000 ? 5000 : duration_ms);
    m_code = uint8_t(code);
    m_target = uint16_t(ms * 8);
    m_duration = 0;
    m_sent = 0;
    m_end_sent = 0;
    m_active = true;
    return {};
}

TelephoneEventSender::Packet TelephoneEventSender::next()
{
    Packet p { {}, false, false };
    p.event.event = m_code;
    p.event.volume = 10;
    if (m_duration < m_target) {
        uint32_t d = uint32_t(m_duration) + kFrame;
        m_duration = uint16_t(d > m_target ? m_target : d);
    }
    p.marker = m_sent == 0;
    p.first_of_event = m_sent == 0;
    if (m_sent < 0xff)
        m_sent++;
    p.event.duration = m_duration;
    if (m_duration >= m_target) {
        p.event.end = true;
        if (++m_end_sent >= kEndRepeats)
            m_active = false;
    }
    return p;
}

std::optional<char> TelephoneEventReceiver::on_packet(uint32_t ts, const TelephoneEvent& e)
{
    char key = dtmf_event_key(e.event);
    if (!key)
        return std::nullopt;
    if (m_have_last && ts == m_last_ts) {
        // An update or an end retransmission of the event we already reported.
        if (e.end && !m_last_ended) {
            m_last_ended = true;
            m_last_duration = e.duration;
        }
        return std::nullopt;
    }
    // A timestamp older than the last event: a reordered leftover, not a new press.
    if (m_have_last && int32_t(ts - m_last_ts) < 0)
        return std::nullopt;
    m_have_last = true;
    m_last_ts = ts;
    m_last_ended = e.end;
    m_last_duration = e.end ? e.duration : 0;
    m_events++;
    return key;
}

} // namespace oh::media
