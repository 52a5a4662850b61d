// libFuzzer target: the DHCP message parser, and a DHCP client fed two server messages
// (input: [length of the first, 2 bytes big-endian][first][second]), typically OFFER then
// ACK, then run through a whole lease with the second message offered at every step.
#include <stddef.h>
#include <stdint.h>

#include "lib/random.h"
#include "net/dhcp_client.h"

namespace {

class Host final : public oh::net::DhcpHost {
public:
    std::span<uint8_t> dhcp_buffer() override { return m_buffer; }
    void dhcp_send(size_t length, oh::Ipv4Address, oh::net::DhcpSource) override
    {
        if (length > sizeof m_buffer)
            __builtin_trap();
    }
    void dhcp_configure(const oh::net::Ipv4Settings& s) override
    {
        if (s.prefix_length > 32)
            __builtin_trap();
        configured = true;
    }
    void dhcp_deconfigure() override { configured = false; }
    bool configured { false };

private:
    uint8_t m_buffer[1472];
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace oh::net;
    if (size < 2)
        return 0;
    size_t first_length = size_t(data[0]) << 8 | data[1];
    if (first_length > size - 2)
        first_length = size - 2;
    std::span<const uint8_t> first(data + 2, first_length);
    std::span<const uint8_t> second(data + 2 + first_length, size - 2 - first_length);
    for (auto input : { first, second }) {
        auto parsed = parse_dhcp(input);
        if (parsed.has_value() && parsed->dns_count > kDhcpMaxDnsServers)
            __builtin_trap();
    }

    Host host;
    oh::Xoshiro128 random(1);
    const MacAddress mac { { 0x02, 0, 0, 0, 0, 0x10 } };
    DhcpClient client(host, random, mac);
    NetConfig config;
    config.mode = AddressMode::Dhcp;
    oh::Nanoseconds now = 0;
    client.start(now, config);
    // Ignored results are the point: any answer, accepted or not, must leave a sane client.
    (void)client.receive(first, now);
    (void)client.receive(second, now);
    for (int step = 0; step < 64; ++step) {
        now = client.next_deadline();
        if (now == ~oh::Nanoseconds(0))
            break;
        client.poll(now);
        if (step == 8)
            client.link_up(now);
        (void)client.receive(second, now);
    }
    return 0;
}
