// IPv4 reassembly (RFC 791 §3.2 "Fragmentation and Reassembly", RFC 815 hole tracking by
// bitmap): a small fixed number of datagrams of bounded size, with a timeout.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/clock.h"
#include "lib/inet.h"
#include "lib/result.h"
#include "net/ipv4.h"

namespace oh::net {

// SIP over UDP is the reason: INVITEs and 200 OKs with SDP can exceed one Ethernet frame.
constexpr size_t kReassemblySlots = 1;
constexpr size_t kReassemblyMaxPayload = 4096; // IP payload bytes, UDP header included
// RFC 1122 §3.3.2 recommends 60 to 120 s; a phone's peer retransmits long before that, and a
// shorter hold frees the slot sooner when fragments are lost.
constexpr Nanoseconds kReassemblyTimeout = 10 * kNsPerSec;

class Ipv4Reassembler {
public:
    // Adds one fragment. Returns the whole payload when this fragment completes a datagram
    // (valid until the next add()). WouldBlock: more fragments needed. NoSpace: the datagram
    // would exceed kReassemblyMaxPayload (its slot is dropped). NoMemory: every slot holds
    // another datagram. Malformed: a non-final fragment whose length is not a multiple of 8,
    // or fragments disagreeing about where the datagram ends.
    Result<std::span<const uint8_t>> add(const Ipv4Packet& fragment, Nanoseconds now);

    // Drops datagrams whose first fragment is older than kReassemblyTimeout; returns how many.
    size_t expire(Nanoseconds now);
    Nanoseconds next_deadline() const;
    size_t in_progress() const;

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
        Nanoseconds deadline { 0 };
        uint32_t received[kBlocks / 32] {}; // one bit per 8-byte block
        uint8_t data[kReassemblyMaxPayload];
    };

    Slot* find_or_claim(const Ipv4Packet& fragment, Nanoseconds now);
    static bool complete(const Slot& slot);

    Slot m_slots[kReassemblySlots];
};

} // namespace oh::net
