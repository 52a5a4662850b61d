// The ARP cache: IPv4-to-MAC mappings with ageing, and the retry state of pending lookups.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/clock.h"
#include "lib/inet.h"
#include "lib/result.h"
#include "lib/sizing.h"
#include "net/mac_address.h"

namespace oh::net {

constexpr size_t kArpCacheEntries = sizing::Target::kArpCacheEntries; // lib/sizing.h
// How long a learnt mapping is trusted without being refreshed (RFC 1122 §2.3.2.1 asks for
// a timeout; 60 s is what BSD and Linux land near).
constexpr Nanoseconds kArpReachableTime = 60 * kNsPerSec;
constexpr Nanoseconds kArpRetryInterval = 1 * kNsPerSec;
// RFC 1122 §2.3.2.1: at most one request per second per destination, and give up soon.
constexpr uint8_t kArpMaxRequests = 3;

enum class ArpLearn : uint8_t {
    UpdateOnly, // refresh an entry we already have (RFC 826 "merge")
    Create,     // also add one (the packet was addressed to us)
};

class ArpCache {
public:
    enum class State : uint8_t {
        Free,
        Incomplete,
        Reachable,
    };
    struct Entry {
        Ipv4Address ip;
        MacAddress mac;
        State state { State::Free };
        uint8_t requests_sent { 0 };
        Nanoseconds deadline { 0 }; // Reachable: expiry; Incomplete: next retry
    };

    // The MAC of a reachable entry, or null.
    const MacAddress* lookup(Ipv4Address ip) const;

    // Records a mapping seen on the wire. Returns true when this completes a pending lookup
    // (the caller then sends what was queued for it).
    bool learn(Ipv4Address ip, const MacAddress& mac, Nanoseconds now, ArpLearn policy);

    // Begins resolving ip. Returns true when the caller should send the first request now,
    // false when a lookup is already under way; NoMemory when every entry is a lookup in
    // progress (reachable entries are evicted, oldest first, to make room).
    Result<bool> start_resolution(Ipv4Address ip, Nanoseconds now);

    // Timer work. Calls retry(ip) for each lookup due for another request and fail(ip) for
    // each that ran out of requests (its entry is freed first); returns how many reachable
    // entries expired.
    template<typename Retry, typename Fail>
    size_t poll(Nanoseconds now, Retry&& retry, Fail&& fail)
    {
        size_t expired = 0;
        for (Entry& e : m_entries) {
            if (e.state == State::Free || now < e.deadline)
                continue;
            if (e.state == State::Reachable) {
                e.state = State::Free;
                ++expired;
            } else if (e.requests_sent >= kArpMaxRequests) {
                e.state = State::Free;
                fail(e.ip);
            } else {
                ++e.requests_sent;
                e.deadline = now + kArpRetryInterval;
                retry(e.ip);
            }
        }
        return expired;
    }

    // The earliest time poll() has work to do (UINT64_MAX when none).
    Nanoseconds next_deadline() const;
    void remove(Ipv4Address ip);
    void clear();
    const Entry* find(Ipv4Address ip) const;
    size_t size() const;

private:
    Entry* find_mutable(Ipv4Address ip);
    Entry* free_or_evict(Nanoseconds now);

    Entry m_entries[kArpCacheEntries] {};
};

} // namespace oh::net
