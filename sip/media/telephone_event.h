// RFC 4733 telephone-event payload (DTMF as RTP events): codec, sender and receiver.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <optional>
#include <span>

#include "lib/result.h"

namespace oh::media {

constexpr size_t kTelephoneEventSize = 4;

// RFC 4733 §2.3: event, E bit, R bit, 6-bit volume (-dBm0), 16-bit duration in RTP units.
struct TelephoneEvent {
    uint8_t event { 0 };
    bool end { false };
    uint8_t volume { 10 };
    uint16_t duration { 0 };
};

Result<TelephoneEvent> parse_telephone_event(std::span<const uint8_t> payload);
void build_telephone_event(const TelephoneEvent& e, std::span<uint8_t, kTelephoneEventSize> out);

// RFC 4733 §3.2 event codes 0-15 for DTMF keys; returns -1 for a character that is not one.
int dtmf_event_code(char key);
char dtmf_event_key(uint8_t code); // 0 for codes that are not DTMF keys

// Sends one DTMF digit as a sequence of event packets, one per 20 ms frame (§2.5.1): the
// first carries the marker bit, all share the event's start timestamp, the duration grows,
// and the final packet (E bit) is sent three times (§2.5.1.4).
class TelephoneEventSender {
public:
    static constexpr uint16_t kFrame = 160;
    static constexpr uint8_t kEndRepeats = 3;

    Result<void> start(char key, uint16_t duration_ms);
    bool active() const { return m_active; }

    struct Packet {
        TelephoneEvent event;
        bool marker;
        bool first_of_event; // the caller latches the RTP timestamp of this frame
    };
    // Called once per 20 ms frame while active(): the packet to send in place of audio.
    Packet next();

private:
    bool m_active { false };
    uint8_t m_code { 0 };
    uint16_t m_target { 0 };   // duration to reach, in samples
    uint16_t m_duration { 0 };
    uint8_t m_sent { 0 };      // packets so far
    uint8_t m_end_sent { 0 };
};

// Turns incoming event packets into key presses: a key is reported once when its event
// starts (a new timestamp), however many updates and end retransmissions follow, including
// when the first packets were lost.
class TelephoneEventReceiver {
public:
    // Returns the key when this packet starts a new event.
    std::optional<char> on_packet(uint32_t rtp_timestamp, const TelephoneEvent& e);
    uint32_t events() const { return m_events; }
    uint16_t last_duration() const { return m_last_duration; }

private:
    bool m_have_last { false };
    uint32_t m_last_ts { 0 };
    bool m_last_ended { false };
    uint16_t m_last_duration { 0 };
    uint32_t m_events { 0 };
};

} // namespace oh::media
