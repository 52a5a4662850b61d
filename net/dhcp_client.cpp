// DHCP client: the RFC 2131 §4.4 state machine over an injected clock and host interface.
#include "net/dhcp_client.h"

#include <algorithm>

#include "lib/bytes.h"

namespace oh::net {

namespace {

constexpr Nanoseconds kNever = ~Nanoseconds(0);

// A contiguous netmask to its prefix length; -1 for masks like 255.0.255.0.
int prefix_from_mask(uint32_t mask)
{
    int ones = count_bits(mask);
    uint32_t expected = ones == 0 ? 0 : ~uint32_t(0) << (32 - ones);
    return mask == expected ? ones : -1;
}

Nanoseconds after_seconds(Nanoseconds now, uint32_t seconds)
{
    return seconds == kDhcpInfiniteLease ? kNever : now + Nanoseconds(seconds) * kNsPerSec;
}

} // namespace

const char* dhcp_state_name(DhcpState s)
{
    switch (s) {
    case DhcpState::Stopped: return "stopped";
    case DhcpState::Selecting: return "selecting";
    case DhcpState::Requesting: return "requesting";
    case DhcpState::Bound: return "bound";
    case DhcpState::Renewing: return "renewing";
    case DhcpState::Rebinding: return "rebinding";
    case DhcpState::Rebooting: return "rebooting";
    }
    return "?";
}

DhcpClient::DhcpClient(DhcpHost& host, Random& random, const MacAddress& mac)
    : m_host(host)
    , m_random(random)
    , m_mac(mac)
{
}

void DhcpClient::start(Nanoseconds now, const NetConfig& config)
{
    m_config = config;
    m_fallback_applied = false;
    m_fallback_at = now + config.fallback_after;
    if (config.remembered.is_unspecified() || config.remembered.is_broadcast() || config.remembered.is_multicast()) {
        begin_discovery(now);
        return;
    }
    m_lease = {};
    m_lease.settings.address = config.remembered;
    m_lease.server = config.remembered_server;
    m_boot_reboot = true;
    m_state = DhcpState::Rebooting;
    m_xid = m_random.next_u32();
    m_exchange_start = now;
    m_retries = 0;
    m_retry_interval = kDhcpFirstRetry;
    m_expiry_at = kNever;
    m_t1_at = kNever;
    send_request(now);
    m_next_send = now + kDhcpBootRebootWait;
}

void DhcpClient::stop()
{
    lose_lease();
    m_state = DhcpState::Stopped;
}

void DhcpClient::link_up(Nanoseconds now)
{
    switch (m_state) {
    case DhcpState::Stopped:
        return;
    case DhcpState::Selecting:
    case DhcpState::Requesting:
        begin_discovery(now);
        return;
    case DhcpState::Bound:
    case DhcpState::Renewing:
    case DhcpState::Rebinding:
    case DhcpState::Rebooting:
        m_state = DhcpState::Rebooting;
        m_xid = m_random.next_u32();
        m_exchange_start = now;
        m_retries = 0;
        m_retry_interval = kDhcpFirstRetry;
        send_request(now);
        schedule_retry(now);
        return;
    }
}

void DhcpClient::begin_discovery(Nanoseconds now)
{
    if (m_boot_reboot) { // the remembered address was refused or nobody answered
        m_boot_reboot = false;
        m_lease = {};
    }
    m_state = DhcpState::Selecting;
    m_xid = m_random.next_u32();
    m_retry_interval = kDhcpFirstRetry;
    m_exchange_start = now;
    send_discover(now);
}

uint16_t DhcpClient::seconds_elapsed(Nanoseconds now) const
{
    Nanoseconds s = (now - m_exchange_start) / kNsPerSec;
    return uint16_t(std::min<Nanoseconds>(s, 0xffff));
}

void DhcpClient::schedule_retry(Nanoseconds now)
{
    // ±1 s of jitter keeps a building full of phones from retrying in lockstep.
    Nanoseconds jitter = Nanoseconds(m_random.next_u32() % 2001) * kNsPerMs;
    m_next_send = now + m_retry_interval - kNsPerSec + jitter;
    m_retry_interval = std::min(m_retry_interval * 2, kDhcpMaxRetry);
}

void DhcpClient::schedule_renew_retry(Nanoseconds now, Nanoseconds limit)
{
    Nanoseconds wait = limit > now ? (limit - now) / 2 : 0;
    m_next_send = std::min(now + std::max(wait, kDhcpMinRenewRetry), limit);
}

void DhcpClient::send_discover(Nanoseconds now)
{
    DhcpRequestFields f;
    f.type = DhcpMessageType::Discover;
    f.xid = m_xid;
    f.secs = seconds_elapsed(now);
    f.chaddr = m_mac;
    f.rapid_commit = true; // one round trip where the server supports it (RFC 4039)
    size_t n = write_dhcp_request(m_host.dhcp_buffer(), f);
    m_host.dhcp_send(n, Ipv4Address(0xffffffff), DhcpSource::Unspecified);
    schedule_retry(now);
}

void DhcpClient::send_request(Nanoseconds now)
{
    DhcpRequestFields f;
    f.type = DhcpMessageType::Request;
    f.xid = m_xid;
    f.secs = seconds_elapsed(now);
    f.chaddr = m_mac;
    Ipv4Address destination(0xffffffff);
    DhcpSource source = DhcpSource::Configured;
    // RFC 2131 §4.3.2 table 4: which fields a REQUEST carries in each state.
    if (m_state == DhcpState::Requesting) {
        f.requested_address = m_offered;
        f.server_id = m_offer_server;
        source = DhcpSource::Unspecified;
    } else if (m_state == DhcpState::Rebooting) {
        f.requested_address = m_lease.settings.address;
        source = DhcpSource::Unspecified;
    } else {
        f.ciaddr = m_lease.settings.address;
        if (m_state == DhcpState::Renewing)
            destination = m_lease.server;
    }
    size_t n = write_dhcp_request(m_host.dhcp_buffer(), f);
    m_host.dhcp_send(n, destination, source);
}

Result<void> DhcpClient::receive(std::span<const uint8_t> payload, Nanoseconds now)
{
    DhcpMessage m = TRY(parse_dhcp(payload));
    if (m_state == DhcpState::Stopped || m.op != 2 || m.xid != m_xid || !(m.chaddr == m_mac))
        return Error::NotFound;
    bool requesting = m_state == DhcpState::Requesting || m_state == DhcpState::Renewing
        || m_state == DhcpState::Rebinding || m_state == DhcpState::Rebooting;
    switch (m.type) {
    case DhcpMessageType::Offer:
        if (m_state != DhcpState::Selecting || m.yiaddr.is_unspecified() || m.server_id.is_unspecified())
            return Error::NotFound;
        on_offer(m, now);
        return {};
    case DhcpMessageType::Ack:
        // RFC 4039 §4.3: in SELECTING, only an ACK carrying Rapid Commit (the answer to our
        // DISCOVER) binds; the client then acts as if it had sent a REQUEST and got that ACK.
        if (!requesting && !(m_state == DhcpState::Selecting && m.rapid_commit && !m.server_id.is_unspecified()))
            return Error::NotFound;
        if (!m.has_lease_time || m.yiaddr.is_unspecified() || m.yiaddr.is_broadcast() || m.yiaddr.is_multicast())
            return { Error::Malformed, "ACK without a usable lease" };
        if (m.has_subnet_mask && prefix_from_mask(m.subnet_mask.value) <= 0)
            return { Error::Malformed, "bad subnet mask" };
        on_ack(m, now);
        return {};
    case DhcpMessageType::Nak:
        if (!requesting)
            return Error::NotFound;
        // RFC 2131 §4.4.4: a NAK sends us back to INIT.
        lose_lease();
        m_host.dhcp_lease_changed(m_lease);
        begin_discovery(now);
        return {};
    default:
        return Error::NotFound;
    }
}

void DhcpClient::on_offer(const DhcpMessage& m, Nanoseconds now)
{
    // The first acceptable offer wins (RFC 2131 §4.4.1 lets the client choose freely).
    m_offered = m.yiaddr;
    m_offer_server = m.server_id;
    m_state = DhcpState::Requesting;
    m_retries = 0;
    m_retry_interval = kDhcpFirstRetry;
    send_request(now);
    schedule_retry(now);
}

void DhcpClient::on_ack(const DhcpMessage& m, Nanoseconds now)
{
    DhcpLease lease;
    lease.settings.address = m.yiaddr;
    // No mask option: assume a /24, the common case on the small networks we expect.
    lease.settings.prefix_length = uint8_t(m.has_subnet_mask ? prefix_from_mask(m.subnet_mask.value) : 24);
    if (lease.settings.on_link(m.router) && !(m.router == m.yiaddr))
        lease.settings.gateway = m.router;
    if (m.dns_count)
        lease.settings.dns = m.dns[0];
    lease.server = m.server_id.is_unspecified() ? m_lease.server : m.server_id;
    // A zero or tiny lease would make us renew in a tight loop.
    lease.lease_seconds = std::max<uint32_t>(m.lease_time, 10);
    uint64_t seconds = lease.lease_seconds;
    // RFC 2131 §4.4.5 defaults: T1 = 0.5 lease, T2 = 0.875 lease; ignore inconsistent values.
    lease.t1_seconds = uint32_t(seconds / 2);
    lease.t2_seconds = uint32_t(seconds * 7 / 8);
    if (m.has_t1 && m.has_t2 && m.t1 < m.t2 && m.t2 < seconds) {
        lease.t1_seconds = m.t1;
        lease.t2_seconds = m.t2;
    } else if (m.has_t1 && !m.has_t2 && m.t1 < lease.t2_seconds) {
        lease.t1_seconds = m.t1;
    } else if (m.has_t2 && !m.has_t1 && m.t2 > lease.t1_seconds && m.t2 < seconds) {
        lease.t2_seconds = m.t2;
    }
    bool infinite = lease.lease_seconds == kDhcpInfiniteLease;
    m_t1_at = infinite ? kNever : after_seconds(now, lease.t1_seconds);
    m_t2_at = infinite ? kNever : after_seconds(now, lease.t2_seconds);
    m_expiry_at = after_seconds(now, lease.lease_seconds);
    m_lease = lease;
    m_state = DhcpState::Bound;
    m_boot_reboot = false;
    m_fallback_applied = false;
    m_configured = true;
    m_host.dhcp_configure(lease.settings);
    m_host.dhcp_lease_changed(m_lease);
}

void DhcpClient::lose_lease()
{
    if (m_configured)
        m_host.dhcp_deconfigure();
    m_configured = false;
    m_fallback_applied = false;
    m_lease = {};
}

void DhcpClient::poll(Nanoseconds now)
{
    bool discovering = m_state == DhcpState::Selecting || m_state == DhcpState::Requesting || m_boot_reboot;
    if (discovering && m_config.has_fallback && !m_fallback_applied && now >= m_fallback_at) {
        m_fallback_applied = true;
        m_configured = true;
        m_host.dhcp_configure(m_config.settings);
    }
    switch (m_state) {
    case DhcpState::Stopped:
        return;
    case DhcpState::Selecting:
        if (now >= m_next_send)
            send_discover(now);
        return;
    case DhcpState::Requesting:
        if (now < m_next_send)
            return;
        if (++m_retries > kDhcpMaxRequestRetries) {
            begin_discovery(now);
            return;
        }
        send_request(now);
        schedule_retry(now);
        return;
    case DhcpState::Bound:
        if (now >= m_t1_at) {
            m_state = DhcpState::Renewing;
            m_exchange_start = now;
            m_xid = m_random.next_u32();
            send_request(now);
            schedule_renew_retry(now, m_t2_at);
        }
        return;
    case DhcpState::Renewing:
        if (now >= m_t2_at) {
            m_state = DhcpState::Rebinding;
            send_request(now);
            schedule_renew_retry(now, m_expiry_at);
        } else if (now >= m_next_send) {
            send_request(now);
            schedule_renew_retry(now, m_t2_at);
        }
        return;
    case DhcpState::Rebooting:
        if (m_boot_reboot) {
            if (now >= m_next_send)
                begin_discovery(now);
            return;
        }
        // RFC 2131 §3.2: no answer means no server objects; keep using the unexpired lease.
        if (now >= m_expiry_at) {
            lose_lease();
            m_fallback_at = now + m_config.fallback_after;
            begin_discovery(now);
        } else if (now >= m_next_send) {
            if (++m_retries > kDhcpMaxRequestRetries) {
                m_state = now >= m_t1_at ? DhcpState::Renewing : DhcpState::Bound;
                m_next_send = now;
                return;
            }
            send_request(now);
            schedule_retry(now);
        }
        return;
    case DhcpState::Rebinding:
        if (now >= m_expiry_at) {
            // RFC 2131 §4.4.5: the lease is gone; stop using the address and start over.
            lose_lease();
            m_fallback_at = now + m_config.fallback_after;
            begin_discovery(now);
        } else if (now >= m_next_send) {
            send_request(now);
            schedule_renew_retry(now, m_expiry_at);
        }
        return;
    }
}

Nanoseconds DhcpClient::next_deadline() const
{
    switch (m_state) {
    case DhcpState::Stopped:
        return kNever;
    case DhcpState::Selecting:
    case DhcpState::Requesting:
        if (m_config.has_fallback && !m_fallback_applied)
            return std::min(m_next_send, m_fallback_at);
        return m_next_send;
    case DhcpState::Bound:
        return m_t1_at;
    case DhcpState::Renewing:
        return std::min(m_next_send, m_t2_at);
    case DhcpState::Rebinding:
    case DhcpState::Rebooting:
        if (m_boot_reboot && m_config.has_fallback && !m_fallback_applied)
            return std::min(m_next_send, m_fallback_at);
        return std::min(m_next_send, m_expiry_at);
    }
    return kNever;
}

} // namespace oh::net
