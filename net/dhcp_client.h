// DHCP client state machine (RFC 2131 §4.4): discover, request, bound, renew at T1, rebind
// at T2, expire, and fall back to static settings when no server answers in time.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/clock.h"
#include "lib/random.h"
#include "lib/result.h"
#include "net/config.h"
#include "net/dhcp_message.h"

namespace oh::net {

enum class DhcpState : uint8_t {
    Stopped,
    Selecting,  // DISCOVER sent, waiting for an OFFER (RFC 2131 calls the first step INIT)
    Requesting, // REQUEST sent for the chosen OFFER
    Bound,
    Renewing,   // T1 passed: unicast REQUEST to the leasing server
    Rebinding,  // T2 passed: broadcast REQUEST to any server
    Rebooting,  // link came back: INIT-REBOOT check that our lease still fits this network
};

const char* dhcp_state_name(DhcpState s);

enum class DhcpSource : uint8_t {
    Unspecified, // 0.0.0.0, before we hold an address (RFC 2131 §4.1)
    Configured,  // our leased address, when renewing or rebinding
};

struct DhcpLease {
    Ipv4Settings settings;
    Ipv4Address server;
    uint32_t lease_seconds { 0 };
    uint32_t t1_seconds { 0 };
    uint32_t t2_seconds { 0 };
};

// What the client needs from the stack around it.
class DhcpHost {
public:
    // Scratch space for building one message (at least kDhcpMaxRequestSize bytes).
    virtual std::span<uint8_t> dhcp_buffer() = 0;
    // Sends buffer[0..length) from port 68 to destination:67 (broadcast or the server).
    virtual void dhcp_send(size_t length, Ipv4Address destination, DhcpSource source) = 0;
    virtual void dhcp_configure(const Ipv4Settings& settings) = 0;
    virtual void dhcp_deconfigure() = 0;
    // A lease was granted or renewed (lease.settings.address set), or lost (unset): what a
    // host with a disk keeps to start the next boot with INIT-REBOOT. Called from the
    // network's own thread: defer slow work.
    virtual void dhcp_lease_changed(const DhcpLease&) { }

protected:
    ~DhcpHost() = default;
};

// RFC 2131 §4.1: retransmit after 4 s, doubling up to 64 s, randomized by ±1 s.
constexpr Nanoseconds kDhcpFirstRetry = 4 * kNsPerSec;
constexpr Nanoseconds kDhcpMaxRetry = 64 * kNsPerSec;
// §4.4.5: in RENEWING/REBINDING wait half the remaining time, but at least 60 s.
constexpr Nanoseconds kDhcpMinRenewRetry = 60 * kNsPerSec;
constexpr uint8_t kDhcpMaxRequestRetries = 4;
// INIT-REBOOT at boot with a remembered address: one REQUEST, and discovery when no answer
// came within kDhcpBootRebootWait. A server with no record of us stays silent (RFC 2131
// §4.3.2; dnsmasq does unless authoritative), so waiting out the §4.1 backoff (4 s, 8 s)
// would make such a boot seconds slower than plain discovery. 2 s covers a LAN round trip
// and QEMU e1000's 1 s receive hold after boot. The address is used only once ACKed: without
// a clock across reboots nothing says the lease is unexpired (§3.2 step 5 needs that).
constexpr Nanoseconds kDhcpBootRebootWait = 2 * kNsPerSec;
constexpr uint32_t kDhcpInfiniteLease = 0xffffffff;

class DhcpClient {
public:
    DhcpClient(DhcpHost& host, Random& random, const MacAddress& mac);

    // Starts discovery, or with config.remembered an INIT-REBOOT REQUEST for that address
    // (RFC 2131 §3.2, §4.4.2: one round trip, and no OFFER, for which servers first check
    // that the address is free; dnsmasq pings it for seconds). A NAK or no answer starts
    // discovery. With a fallback, its settings are applied if no lease arrives within
    // fallback_after; discovery goes on (slowly) after that and a later lease replaces them.
    void start(Nanoseconds now, const NetConfig& config);
    void stop();
    // The link came up again (cable replugged, maybe another network): verify the lease
    // with an INIT-REBOOT REQUEST (RFC 2131 §3.2), or restart discovery without waiting
    // for the backoff timer.
    void link_up(Nanoseconds now);

    // A datagram that arrived on port 68. NotFound: not meant for us or not expected in
    // this state (ignored). NeedMore/Malformed: from the parser.
    Result<void> receive(std::span<const uint8_t> payload, Nanoseconds now);
    void poll(Nanoseconds now);
    Nanoseconds next_deadline() const;

    DhcpState state() const { return m_state; }
    const DhcpLease& lease() const { return m_lease; }
    bool fallback_applied() const { return m_fallback_applied; }

private:
    void begin_discovery(Nanoseconds now);
    void send_discover(Nanoseconds now);
    void send_request(Nanoseconds now);
    void on_offer(const DhcpMessage& m, Nanoseconds now);
    void on_ack(const DhcpMessage& m, Nanoseconds now);
    void lose_lease();
    void schedule_retry(Nanoseconds now);
    void schedule_renew_retry(Nanoseconds now, Nanoseconds limit);
    uint16_t seconds_elapsed(Nanoseconds now) const;

    DhcpHost& m_host;
    Random& m_random;
    MacAddress m_mac;
    DhcpState m_state { DhcpState::Stopped };
    NetConfig m_config;
    DhcpLease m_lease;
    Ipv4Address m_offered;
    Ipv4Address m_offer_server;
    uint32_t m_xid { 0 };
    uint8_t m_retries { 0 };
    bool m_configured { false };
    bool m_fallback_applied { false };
    bool m_boot_reboot { false }; // Rebooting from a remembered lease, not yet ACKed
    Nanoseconds m_retry_interval { kDhcpFirstRetry };
    Nanoseconds m_exchange_start { 0 };
    Nanoseconds m_next_send { 0 };
    Nanoseconds m_fallback_at { 0 };
    Nanoseconds m_t1_at { 0 };
    Nanoseconds m_t2_at { 0 };
    Nanoseconds m_expiry_at { 0 };
};

} // namespace oh::net
