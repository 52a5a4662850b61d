// DNS A-record resolver: a few concurrent queries with retries, timeouts, and answers matched
// by server, query port and query ID, both random per query (RFC 5452 §9.2).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <optional>
#include <span>
#include <string_view>

#include "lib/clock.h"
#include "lib/inet.h"
#include "lib/random.h"
#include "lib/result.h"
#include "lib/sizing.h"
#include "net/dns_message.h"

namespace oh::net {

constexpr size_t kDnsQueries = sizing::Target::kDnsQueries; // lib/sizing.h
// RFC 1536 §1 warns against aggressive retransmission: 2 s, then 4 s, then 8 s.
constexpr Nanoseconds kDnsFirstTimeout = 2 * kNsPerSec;
constexpr uint8_t kDnsAttempts = 3;

class DnsHost {
public:
    virtual std::span<uint8_t> dns_buffer() = 0;
    // Sends buffer[0..length) from local_port to server:53.
    virtual void dns_send(size_t length, Ipv4Address server, uint16_t local_port) = 0;
    // Whether a query may use local_port (no socket or service of the host holds it).
    virtual bool dns_port_available(uint16_t local_port) const = 0;
    // A query finished (take its result with take_result()).
    virtual void dns_completed(uint16_t query) = 0;

protected:
    ~DnsHost() = default;
};

class DnsResolver {
public:
    DnsResolver(DnsHost& host, Random& random);

    void set_server(Ipv4Address server) { m_server = server; }
    Ipv4Address server() const { return m_server; }
    // Whether a pending query was sent from this port (answers are taken only there).
    bool uses_port(uint16_t local_port) const;

    // Starts a lookup from a fresh random port with a fresh random ID; returns its handle.
    // InvalidArgument: a bad name. Unreachable: no server configured. NoMemory: every query
    // slot is busy. Busy: no port of the dynamic range is free.
    Result<uint16_t> resolve(std::string_view name, Nanoseconds now);

    // WouldBlock while pending. Otherwise the address, or NotFound (NXDOMAIN or no A
    // record), Timeout (no answer after every attempt) or Refused (the server failed or
    // refused); the slot is freed. InvalidArgument: not a query of ours.
    Result<Ipv4Address> take_result(uint16_t query);

    // A datagram from server:53 to local_port. NotFound: no pending query has this port, ID
    // and server (ignored).
    Result<void> receive(std::span<const uint8_t> payload, Ipv4Address from, uint16_t local_port, Nanoseconds now);
    // Retries and timeouts; returns how many queries timed out.
    size_t poll(Nanoseconds now);
    Nanoseconds next_deadline() const;

private:
    enum class SlotState : uint8_t {
        Free,
        Pending,
        Done,
    };
    struct Slot {
        SlotState state { SlotState::Free };
        uint8_t attempts { 0 };
        uint8_t generation { 0 };
        uint16_t id { 0 };
        uint16_t port { 0 }; // our source port, while pending
        Error outcome { Error::None };
        Ipv4Address address;
        Nanoseconds deadline { 0 };
        uint8_t name_length { 0 };
        char name[kDnsMaxNameText + 1] {};
    };

    void send_query(Slot& slot, Nanoseconds now);
    void finish(Slot& slot, Error outcome);
    uint16_t handle_of(const Slot& slot) const;
    uint16_t fresh_id();
    std::optional<uint16_t> fresh_port();

    DnsHost& m_host;
    Random& m_random;
    Ipv4Address m_server;
    Slot m_slots[kDnsQueries];
};

} // namespace oh::net
