// DNS resolver: query slots, retransmission with backoff, response matching (RFC 1035 §7).
#include "net/dns_resolver.h"

#include "net/ephemeral_port.h"

namespace oh::net {

DnsResolver::DnsResolver(DnsHost& host, Random& random)
    : m_host(host)
    , m_random(random)
{
}

uint16_t DnsResolver::handle_of(const Slot& slot) const
{
    return uint16_t(size_t(&slot - m_slots) | (size_t(slot.generation) << 8));
}

bool DnsResolver::uses_port(uint16_t local_port) const
{
    for (const Slot& s : m_slots)
        if (s.state == SlotState::Pending && s.port == local_port)
            return true;
    return false;
}

// RFC 5452 §9.2: an unpredictable source port per query, and different ports for queries
// outstanding at once, so that a blind spoofer must guess the port as well as the 16-bit ID
// (about 30 bits instead of 16).
std::optional<uint16_t> DnsResolver::fresh_port()
{
    return pick_ephemeral_port(m_random, [this](uint16_t p) { return !uses_port(p) && m_host.dns_port_available(p); });
}

// RFC 5452 §9.2: an unpredictable ID over the full 0-65535 range.
uint16_t DnsResolver::fresh_id()
{
    while (true) {
        uint16_t id = uint16_t(m_random.next_u32());
        bool used = false;
        for (const Slot& s : m_slots)
            used |= s.state == SlotState::Pending && s.id == id;
        if (!used)
            return id;
    }
}

Result<uint16_t> DnsResolver::resolve(std::string_view name, Nanoseconds now)
{
    if (!is_valid_dns_name(name))
        return { Error::InvalidArgument, "bad host name" };
    if (m_server.is_unspecified())
        return { Error::Unreachable, "no DNS server" };
    if (name.back() == '.')
        name.remove_suffix(1);
    for (Slot& slot : m_slots) {
        if (slot.state != SlotState::Free)
            continue;
        auto port = fresh_port();
        if (!port)
            return { Error::Busy, "no free port for a DNS query" };
        slot.port = *port;
        slot.state = SlotState::Pending;
        slot.generation++;
        slot.attempts = 0;
        slot.id = fresh_id();
        slot.outcome = Error::None;
        slot.address = {};
        slot.name_length = uint8_t(name.size());
        for (size_t i = 0; i < name.size(); ++i)
            slot.name[i] = name[i];
        slot.name[name.size()] = 0;
        send_query(slot, now);
        return handle_of(slot);
    }
    return { Error::NoMemory, "all DNS query slots busy" };
}

void DnsResolver::send_query(Slot& slot, Nanoseconds now)
{
    auto size = write_dns_query(m_host.dns_buffer(), slot.id, { slot.name, slot.name_length });
    // The name was validated when the slot was filled, so only a tiny buffer can fail here.
    if (size.is_error()) {
        finish(slot, Error::NoSpace);
        return;
    }
    // A retransmission keeps its port and ID: an answer to the first attempt still counts.
    m_host.dns_send(size.value(), m_server, slot.port);
    slot.deadline = now + (kDnsFirstTimeout << slot.attempts);
    slot.attempts++;
}

void DnsResolver::finish(Slot& slot, Error outcome)
{
    slot.state = SlotState::Done;
    slot.port = 0; // free for sockets and other queries; a late answer now finds no query
    slot.outcome = outcome;
    m_host.dns_completed(handle_of(slot));
}

Result<Ipv4Address> DnsResolver::take_result(uint16_t query)
{
    size_t index = query & 0xff;
    if (index >= kDnsQueries || m_slots[index].generation != (query >> 8) || m_slots[index].state == SlotState::Free)
        return Error::InvalidArgument;
    Slot& slot = m_slots[index];
    if (slot.state == SlotState::Pending)
        return Error::WouldBlock;
    slot.state = SlotState::Free;
    if (slot.outcome != Error::None)
        return slot.outcome;
    return slot.address;
}

Result<void> DnsResolver::receive(std::span<const uint8_t> payload, Ipv4Address from, uint16_t local_port,
    Nanoseconds now)
{
    uint16_t id = TRY(dns_message_id(payload));
    for (Slot& slot : m_slots) {
        if (slot.state != SlotState::Pending || slot.port != local_port || slot.id != id || !(from == m_server))
            continue;
        DnsResponse r = TRY(parse_dns_response(payload, { slot.name, slot.name_length }));
        if (r.rcode == uint8_t(DnsRcode::NameError))
            finish(slot, Error::NotFound);
        else if (r.rcode != uint8_t(DnsRcode::NoError))
            finish(slot, Error::Refused);
        else if (!r.has_address)
            finish(slot, Error::NotFound);
        else {
            slot.address = r.address;
            finish(slot, Error::None);
        }
        return {};
    }
    return Error::NotFound;
}

size_t DnsResolver::poll(Nanoseconds now)
{
    size_t timeouts = 0;
    for (Slot& slot : m_slots) {
        if (slot.state != SlotState::Pending || now < slot.deadline)
            continue;
        if (slot.attempts >= kDnsAttempts) {
            ++timeouts;
            finish(slot, Error::Timeout);
        } else {
            send_query(slot, now);
        }
    }
    return timeouts;
}

Nanoseconds DnsResolver::next_deadline() const
{
    Nanoseconds next = ~Nanoseconds(0);
    for (const Slot& slot : m_slots)
        if (slot.state == SlotState::Pending && slot.deadline < next)
            next = slot.deadline;
    return next;
}

} // namespace oh::net
