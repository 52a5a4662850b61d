// Who may talk to the phone: trusted sources, per-source rate limiting and scanner bans.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/clock.h"
#include "lib/inet.h"
#include "lib/sizing.h"

namespace oh::sip {

constexpr size_t kMaxTrustedSources = 4;
constexpr size_t kGuardEntries = sizing::Target::kGuardEntries; // lib/sizing.h

struct GuardPolicy {
    uint16_t burst { 30 };           // datagrams a source may send back to back
    uint16_t per_second { 10 };      // sustained rate
    uint8_t ban_strikes { 8 };       // bad/unauthenticated requests before a ban
    Nanoseconds strike_window { 60 * kNsPerSec };
    Nanoseconds ban_time { 600 * kNsPerSec };
};

struct GuardCounters {
    uint32_t admitted { 0 };
    uint32_t rate_limited { 0 };
    uint32_t dropped_banned { 0 };
    uint32_t strikes { 0 };
    uint32_t bans { 0 };
    uint32_t rejected_untrusted { 0 }; // INVITEs answered 403
    uint32_t rejected_foreign { 0 };   // in-dialog requests and CANCELs not from the dialog's peer
    uint32_t rejected_user { 0 };      // INVITEs for a user this phone is not (404)
    uint32_t oversized { 0 };          // requests longer than the receive buffer (513)
    uint32_t malformed { 0 };          // datagrams that did not parse
};

// Trust is by source address, as Asterisk's `identify` matches endpoints; port 0 = any port.
// Trusted sources bypass rate limits and are never banned.
class SourceGuard {
public:
    enum class Admit : uint8_t { Ok, RateLimited, Banned };

    void set_policy(const GuardPolicy& p) { m_policy = p; }
    void set_trusted(std::span<const Endpoint> sources);
    bool is_trusted(const Endpoint& source) const;

    Admit admit(const Endpoint& source, Nanoseconds now);
    // A malformed, unauthenticated or forbidden request: enough of them within the window
    // bans the source.
    void strike(const Endpoint& source, Nanoseconds now);
    bool is_banned(const Endpoint& source, Nanoseconds now) const;

    GuardCounters& counters() { return m_counters; }
    const GuardCounters& counters() const { return m_counters; }

private:
    struct Entry {
        Ipv4Address address;
        bool used { false };
        uint8_t strikes { 0 };
        uint32_t milli_tokens { 0 };
        Nanoseconds last_refill { 0 };
        Nanoseconds last_seen { 0 };
        Nanoseconds strike_start { 0 };
        Nanoseconds banned_until { 0 };
    };
    Entry& entry_for(Ipv4Address address, Nanoseconds now);

    GuardPolicy m_policy {};
    Endpoint m_trusted[kMaxTrustedSources] {};
    size_t m_trusted_count { 0 };
    Entry m_entries[kGuardEntries] {};
    GuardCounters m_counters {};
};

} // namespace oh::sip
