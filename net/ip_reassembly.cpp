// IPv4 reassembly: fragments copied into a fixed buffer, 8-byte blocks tracked in a bitmap.
#include "net/ip_reassembly.h"

#include "lib/bytes.h"

namespace oh::net {

size_t Ipv4Reassembler::held_by(Ipv4Address source) const
{
    size_t n = 0;
    for (const Slot& s : m_slots)
        n += s.used && s.source == source;
    return n;
}

bool Ipv4Reassembler::prefer(Ipv4Address source)
{
    if (preferred(source))
        return true;
    if (m_preferred_count == kReassemblyPreferred)
        return false;
    m_preferred[m_preferred_count++] = source;
    return true;
}

bool Ipv4Reassembler::preferred(Ipv4Address source) const
{
    for (size_t i = 0; i < m_preferred_count; ++i)
        if (m_preferred[i] == source)
            return true;
    return false;
}

// Where a new datagram from `source` goes. A source at its share competes only with itself
// (its oldest datagram goes); otherwise a free slot, else the oldest datagram that is past
// kReassemblyProtectedAge, preferring a source that holds more than one. Nobody can push
// out a datagram that is still arriving, except that a preferred source's datagram takes
// the oldest slot of a source that is not preferred when nothing else is free.
Ipv4Reassembler::Slot* Ipv4Reassembler::victim(Ipv4Address source, Nanoseconds now)
{
    bool at_share = held_by(source) >= kReassemblyPerSource;
    Slot* best = nullptr;
    size_t best_held = 0;
    if (!at_share && preferred(source)) {
        for (Slot& s : m_slots) {
            if (!s.used)
                return &s;
            if (!preferred(s.source) && (!best || s.started < best->started))
                best = &s;
        }
        if (best) {
            m_evicted++;
            return best;
        }
    }
    for (Slot& s : m_slots) {
        if (!s.used) {
            if (!at_share)
                return &s;
            continue;
        }
        if (at_share) {
            if (s.source == source && (!best || s.started < best->started))
                best = &s;
            continue;
        }
        if (now - s.started < kReassemblyProtectedAge)
            continue;
        size_t held = held_by(s.source);
        if (!best || held > best_held || (held == best_held && s.started < best->started)) {
            best = &s;
            best_held = held;
        }
    }
    if (best)
        m_evicted++;
    return best;
}

Ipv4Reassembler::Slot* Ipv4Reassembler::find_or_claim(const Ipv4Packet& f, Nanoseconds now)
{
    // RFC 791: fragments belong together when source, destination, protocol and ID match.
    for (Slot& s : m_slots)
        if (s.used && s.identification == f.identification && s.protocol == f.protocol && s.source == f.source
            && s.destination == f.destination)
            return &s;
    Slot* free = victim(f.source, now);
    if (!free)
        return nullptr;
    free->used = true;
    free->protocol = f.protocol;
    free->identification = f.identification;
    free->source = f.source;
    free->destination = f.destination;
    free->total = 0;
    free->total_known = false;
    free->started = now;
    free->deadline = now + kReassemblyTimeout;
    fill_bytes(free->received, 0, sizeof free->received);
    return free;
}

bool Ipv4Reassembler::complete(const Slot& s)
{
    if (!s.total_known)
        return false;
    size_t blocks = (size_t(s.total) + 7) / 8;
    for (size_t b = 0; b < blocks; ++b)
        if (!(s.received[b / 32] & (1u << (b % 32))))
            return false;
    return true;
}

Result<std::span<const uint8_t>> Ipv4Reassembler::add(const Ipv4Packet& f, Nanoseconds now)
{
    size_t offset = f.fragment_offset;
    size_t length = f.payload.size();
    if (f.more_fragments && (length == 0 || length % 8))
        return { Error::Malformed, "fragment length not a multiple of 8" };
    Slot* s = find_or_claim(f, now);
    if (!s)
        return { Error::NoMemory, "reassembly slots busy" };
    size_t end = offset + length;
    // RFC 791 §3.1: no datagram is longer than 65,535 bytes, header included (a longer one
    // is the "ping of death", RFC 4963 §4 / CVE-1999-0128).
    if (end > kReassemblyMaxPayload || end > kIpMaxPayload) {
        s->used = false;
        return { Error::NoSpace, "datagram too large to reassemble" };
    }
    // The last fragment fixes the length; anything reaching past it is inconsistent.
    if ((!f.more_fragments && s->total_known && end != s->total) || (s->total_known && end > s->total)) {
        s->used = false;
        return { Error::Malformed, "fragments disagree on the end" };
    }
    if (!f.more_fragments) {
        s->total = uint16_t(end);
        s->total_known = true;
    }
    // Overlaps simply overwrite: the datagram is checked end to end by UDP/ICMP anyway.
    copy_bytes(s->data + offset, f.payload.data(), length);
    for (size_t b = offset / 8; b < (end + 7) / 8; ++b)
        s->received[b / 32] |= 1u << (b % 32);
    if (!complete(*s))
        return Error::WouldBlock;
    s->used = false;
    return std::span<const uint8_t>(s->data, s->total);
}

size_t Ipv4Reassembler::expire(Nanoseconds now)
{
    size_t expired = 0;
    for (Slot& s : m_slots) {
        if (s.used && now >= s.deadline) {
            s.used = false;
            ++expired;
        }
    }
    return expired;
}

Nanoseconds Ipv4Reassembler::next_deadline() const
{
    Nanoseconds next = ~Nanoseconds(0);
    for (const Slot& s : m_slots)
        if (s.used && s.deadline < next)
            next = s.deadline;
    return next;
}

size_t Ipv4Reassembler::in_progress() const
{
    size_t n = 0;
    for (const Slot& s : m_slots)
        n += s.used;
    return n;
}

} // namespace oh::net
