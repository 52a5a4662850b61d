// IPv4 reassembly (RFC 791 §3.2 "Fragmentation and Reassembly", RFC 815 hole tracking by
// bitmap): a few datagrams of bounded size at once, a per-source share, a short timeout.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/clock.h"
#include "lib/inet.h"
#include "lib/result.h"
#include "lib/sizing.h"
#include "net/ipv4.h"

namespace oh::net {

// SIP over UDP is the reason: INVITEs and 200 OKs with SDP can exceed one Ethernet frame.
// Memory bound: kReassemblySlots x kReassemblyMaxPayload, fixed (lib/sizing.h: x86 4 x 64 KiB,
// ARM 1 x 2.25 KiB).
constexpr size_t kReassemblySlots = sizing::Target::kReassemblySlots;
constexpr size_t kReassemblyMaxPayload = sizing::Target::kReassemblyMaxPayload; // IP payload, UDP header included
// One source (one IPv4 address) holds at most this many datagrams in progress, so it
// cannot take every slot however many IDs it forges.
constexpr size_t kReassemblyPerSource = sizing::Target::kReassemblyPerSource;
// RFC 791 bounds the wait by the TTL (at most 15 s suggested), RFC 1122 §3.3.2 says 60-120 s
// and Linux uses 30 s. A phone's fragments come from its PBX a few hops away, back to back:
// a datagram not whole after 3 s has lost a fragment, and SIP has retransmitted it (a new IP
// ID) by then (RFC 3261 §17.1.1.2, T1 = 500 ms doubling). Short, so a lost fragment or a
// forged first fragment frees its slot soon.
constexpr Nanoseconds kReassemblyTimeout = 3 * kNsPerSec;
// A datagram younger than this is never evicted for another source's: real fragments
// arrive within milliseconds of each other, so only stale (or forged) ones are at risk.
constexpr Nanoseconds kReassemblyProtectedAge = 500 * kNsPerMs;
// Sources the host's configuration names (a phone's registrar and trusted peers): their
// datagrams may push out any other source's, however young, so forged first fragments from
// many spoofed addresses cannot keep the PBX's INVITE from being reassembled.
constexpr size_t kReassemblyPreferred = 4;

class Ipv4Reassembler {
public:
    // Adds one fragment. Returns the whole payload when this fragment completes a datagram
    // (valid until the next add()). WouldBlock: more fragments needed. NoSpace: the datagram
    // would exceed kReassemblyMaxPayload (its slot is dropped). NoMemory: every slot holds
    // a datagram younger than kReassemblyProtectedAge from another source. Malformed: a non-final fragment whose length is not a multiple of 8,
    // or fragments disagreeing about where the datagram ends.
    Result<std::span<const uint8_t>> add(const Ipv4Packet& fragment, Nanoseconds now);

    // Adds a preferred source (at most kReassemblyPreferred; false when full). Clear first to
    // replace the list.
    bool prefer(Ipv4Address source);
    void clear_preferred() { m_preferred_count = 0; }
    bool preferred(Ipv4Address source) const;

    // Drops datagrams whose first fragment is older than kReassemblyTimeout; returns how many.
    size_t expire(Nanoseconds now);
    Nanoseconds next_deadline() const;
    size_t in_progress() const;
    // Datagrams dropped unfinished to make room (a source over its share reuses its own
    // oldest slot; otherwise the oldest datagram past kReassemblyProtectedAge goes).
    uint32_t evicted() const { return m_evicted; }

private:
    static constexpr size_t kBlocks = kReassemblyMaxPayload / 8;
    struct Slot {
        bool used { false };
        uint8_t protocol { 0 };
        uint16_t identification { 0 };
        Ipv4Address source;
        Ipv4Address destination;
        uint16_t total { 0 }; // payload length, known once the last fragment arrived
        bool total_known { false };
        Nanoseconds started { 0 };
        Nanoseconds deadline { 0 };
        uint32_t received[kBlocks / 32] {}; // one bit per 8-byte block
        uint8_t data[kReassemblyMaxPayload];
    };

    Slot* find_or_claim(const Ipv4Packet& fragment, Nanoseconds now);
    Slot* victim(Ipv4Address source, Nanoseconds now);
    size_t held_by(Ipv4Address source) const;
    static bool complete(const Slot& slot);

    Slot m_slots[kReassemblySlots];
    uint32_t m_evicted { 0 };
    Ipv4Address m_preferred[kReassemblyPreferred] {};
    uint8_t m_preferred_count { 0 };
};

} // namespace oh::net
