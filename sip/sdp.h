// SDP (RFC 4566) parsing and the offer/answer model (RFC 3264) for one G.711 audio stream.
#pragma once

#include <stdint.h>

#include "lib/inet.h"
#include "lib/result.h"
#include "sip/text.h"

namespace oh::sip {

constexpr size_t kMaxSdpMedia = 4;
constexpr size_t kMaxSdpFormats = 12;
constexpr uint8_t kNoPayloadType = 0xff;

enum class Codec : uint8_t { None, Pcmu, Pcma, TelephoneEvent, Other };
enum class Direction : uint8_t { SendRecv, SendOnly, RecvOnly, Inactive };

Str direction_name(Direction d);
Str codec_name(Codec c);

struct SdpFormat {
    uint8_t pt { 0 };
    Codec codec { Codec::Other };
};

struct SdpMedia {
    Str type;   // "audio"
    uint16_t port { 0 };
    Str proto;  // "RTP/AVP"
    Str fmt_list; // the raw format list, for echoing rejected streams
    SdpFormat formats[kMaxSdpFormats];
    uint8_t format_count { 0 };
    Ipv4Address address;
    bool has_address { false };
    Direction direction { Direction::SendRecv };
    bool has_direction { false };
    uint16_t ptime { 0 };
    uint16_t rtcp_port { 0 };       // RFC 3605 a=rtcp:; 0 when absent
    Ipv4Address rtcp_address;       // ... with its own address, when it names one
    bool has_rtcp_address { false };
};

struct SessionDescription {
    Str origin_user;
    Str session_id;
    Str session_version;
    Ipv4Address address; // session-level c=
    bool has_address { false };
    Direction direction { Direction::SendRecv };
    SdpMedia media[kMaxSdpMedia];
    uint8_t media_count { 0 };
};

// Parses an SDP body. Unknown lines and attributes are skipped; grammar errors in the lines
// we use are Malformed. Media beyond kMaxSdpMedia are Unsupported.
Result<void> parse_sdp(Str text, SessionDescription& out);

// What this end offers or can accept.
struct LocalMedia {
    Endpoint rtp;                     // our RTP address/port for c= and m=
    Codec codecs[2] { Codec::Pcmu, Codec::Pcma }; // preference order for our offers
    uint8_t codec_count { 2 };
    uint8_t te_pt { 101 };            // PT we offer for telephone-event (RFC 4733)
    uint16_t ptime { 20 };
    uint32_t session_id { 1 };
    uint32_t session_version { 1 };   // bump on every change (RFC 3264 §8)
};

// The outcome of offer/answer: what to send to, and how.
struct MediaSession {
    Endpoint remote;                  // 0.0.0.0 means the peer put us on hold the RFC 2543 way
    Endpoint remote_rtcp;             // RFC 3605 a=rtcp, else remote.port + 1 (RFC 3550 §11)
    Codec codec { Codec::None };
    uint8_t pt { kNoPayloadType };
    uint8_t te_pt { kNoPayloadType }; // the peer's telephone-event PT, never assumed
    uint16_t ptime { 20 };
    Direction direction { Direction::SendRecv }; // our direction, as in our SDP
    uint8_t media_index { 0 };        // which m= line carries the audio
    bool operator==(const MediaSession&) const = default;
};

// We are the answerer: choose from the offer. `want` is the direction we'd like (SendRecv,
// or SendOnly when we hold). Unsupported ("488") when no audio codec is acceptable.
Result<MediaSession> negotiate_offer(const SessionDescription& offer, const LocalMedia& local, Direction want);

// We were the offerer: read the peer's answer.
Result<MediaSession> accept_answer(const SessionDescription& answer, const LocalMedia& local);

// Writes our offer (all configured codecs + telephone-event).
void write_sdp_offer(Writer& w, const LocalMedia& local, Direction dir);

// Writes an answer mirroring the offer's m= lines (rejected ones with port 0, RFC 3264 §6).
void write_sdp_answer(Writer& w, const LocalMedia& local, const SessionDescription& offer, const MediaSession& chosen);

// The answering direction for an offered one (RFC 3264 §6.1), given what we want.
Direction answer_direction(Direction offered, Direction want);

} // namespace oh::sip
