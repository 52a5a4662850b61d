// ARP cache lookups, learning (RFC 826 merge algorithm), eviction and resolution start.
#include "net/arp_cache.h"

namespace oh::net {

const ArpCache::Entry* ArpCache::find(Ipv4Address ip) const
{
    for (const Entry& e : m_entries)
        if (e.state != State::Free && e.ip == ip)
            return &e;
    return nullptr;
}

ArpCache::Entry* ArpCache::find_mutable(Ipv4Address ip)
{
    return const_cast<Entry*>(find(ip));
}

const MacAddress* ArpCache::lookup(Ipv4Address ip) const
{
    const Entry* e = find(ip);
    return e && e->state == State::Reachable ? &e->mac : nullptr;
}

ArpCache::Entry* ArpCache::free_or_evict(Nanoseconds now)
{
    Entry* oldest = nullptr;
    for (Entry& e : m_entries) {
        if (e.state == State::Free)
            return &e;
        // Never evict a lookup in progress: packets are parked on it.
        if (e.state == State::Reachable && (!oldest || e.deadline < oldest->deadline))
            oldest = &e;
    }
    return oldest;
}

bool ArpCache::learn(Ipv4Address ip, const MacAddress& mac, Nanoseconds now, ArpLearn policy)
{
    if (ip.is_unspecified())
        return false; // RFC 5227 probes carry sender 0.0.0.0: nothing to learn
    Entry* e = find_mutable(ip);
    if (!e) {
        if (policy != ArpLearn::Create)
            return false;
        e = free_or_evict(now);
        if (!e)
            return false;
        e->state = State::Free;
    }
    bool completed = e->state == State::Incomplete;
    e->ip = ip;
    e->mac = mac;
    e->state = State::Reachable;
    e->requests_sent = 0;
    e->deadline = now + kArpReachableTime;
    return completed;
}

Result<bool> ArpCache::start_resolution(Ipv4Address ip, Nanoseconds now)
{
    if (find(ip))
        return false;
    Entry* e = free_or_evict(now);
    if (!e)
        return Error::NoMemory;
    e->ip = ip;
    e->mac = {};
    e->state = State::Incomplete;
    e->requests_sent = 1;
    e->deadline = now + kArpRetryInterval;
    return true;
}

Nanoseconds ArpCache::next_deadline() const
{
    Nanoseconds next = ~Nanoseconds(0);
    for (const Entry& e : m_entries)
        if (e.state != State::Free && e.deadline < next)
            next = e.deadline;
    return next;
}

void ArpCache::remove(Ipv4Address ip)
{
    if (Entry* e = find_mutable(ip))
        e->state = State::Free;
}

void ArpCache::clear()
{
    for (Entry& e : m_entries)
        e.state = State::Free;
}

size_t ArpCache::size() const
{
    size_t n = 0;
    for (const Entry& e : m_entries)
        n += e.state != State::Free;
    return n;
}

} // namespace oh::net
