// Source admission: token-bucket rate limit per address and temporary bans for scanners.
#include "sip/guard.h"

namespace oh::sip {

void SourceGuard::set_trusted(std::span<const Endpoint> sources)
{
    m_trusted_count = 0;
    for (auto& s : sources)
        if (m_trusted_count < kMaxTrustedSources && !s.address.is_unspecified())
            m_trusted[m_trusted_count++] = s;
}

bool SourceGuard::is_trusted(const Endpoint& source) const
{
    for (size_t i = 0; i < m_trusted_count; i++)
        if (m_trusted[i].address == source.address && (m_trusted[i].port == 0 || m_trusted[i].port == source.port))
            return true;
    return false;
}

SourceGuard::Entry& SourceGuard::entry_for(Ipv4Address address, Nanoseconds now)
{
    Entry* victim = nullptr;
    for (auto& e : m_entries) {
        if (e.used && e.address == address)
            return e;
        // Reuse a free slot, else the least recently seen source that is not banned: a flood
        // of new addresses must not wash a banned scanner out of the table too easily.
        bool banned = e.used && e.banned_until > now;
        if (!victim || (!e.used && victim->used)
            || (e.used && victim->used && !banned && (victim->banned_until > now || e.last_seen < victim->last_seen)))
            victim = &e;
    }
    *victim = Entry {};
    victim->used = true;
    victim->address = address;
    victim->milli_tokens = uint32_t(m_policy.burst) * 1000;
    victim->last_refill = now;
    return *victim;
}

SourceGuard::Admit SourceGuard::admit(const Endpoint& source, Nanoseconds now)
{
    if (is_trusted(source)) {
        m_counters.admitted++;
        return Admit::Ok;
    }
    Entry& e = entry_for(source.address, now);
    e.last_seen = now;
    if (e.banned_until > now) {
        m_counters.dropped_banned++;
        return Admit::Banned;
    }
    // Refill: per_second tokens a second = per_second milli-tokens a millisecond.
    uint64_t elapsed_ms = (now - e.last_refill) / kNsPerMs;
    uint64_t cap = uint64_t(m_policy.burst) * 1000;
    uint64_t tokens = e.milli_tokens + elapsed_ms * m_policy.per_second;
    e.milli_tokens = uint32_t(tokens > cap ? cap : tokens);
    e.last_refill += elapsed_ms * kNsPerMs;
    if (e.milli_tokens < 1000) {
        m_counters.rate_limited++;
        return Admit::RateLimited;
    }
    e.milli_tokens -= 1000;
    m_counters.admitted++;
    return Admit::Ok;
}

void SourceGuard::strike(const Endpoint& source, Nanoseconds now)
{
    m_counters.strikes++;
    if (is_trusted(source))
        return;
    Entry& e = entry_for(source.address, now);
    e.last_seen = now;
    if (now - e.strike_start > m_policy.strike_window || e.strikes == 0) {
        e.strike_start = now;
        e.strikes = 0;
    }
    if (++e.strikes >= m_policy.ban_strikes) {
        e.banned_until = now + m_policy.ban_time;
        e.strikes = 0;
        m_counters.bans++;
    }
}

bool SourceGuard::is_banned(const Endpoint& source, Nanoseconds now) const
{
    for (auto& e : m_entries)
        if (e.used && e.address == source.address)
            return e.banned_until > now;
    return false;
}

} // namespace oh::sip
