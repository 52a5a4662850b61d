// libFuzzer target: the DNS response parser (names, compression pointers, CNAME chains)
// and the resolver receiving the message for a pending query.
#include <stddef.h>
#include <stdint.h>

#include "lib/random.h"
#include "net/dns_resolver.h"

namespace {

class Host final : public oh::net::DnsHost {
public:
    std::span<uint8_t> dns_buffer() override { return m_buffer; }
    void dns_send(size_t length, oh::Ipv4Address, uint16_t local_port) override
    {
        if (length > sizeof m_buffer)
            __builtin_trap();
        last_port = local_port;
    }
    uint16_t last_port { 0 };
    void dns_completed(uint16_t) override { }
    bool dns_port_available(uint16_t) const override { return true; }

private:
    uint8_t m_buffer[512];
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace oh::net;
    std::span<const uint8_t> input(data, size);
    (void)parse_dns_response(input, "www.example.org");
    (void)parse_dns_response(input, "a");
    char name[kDnsMaxWireName + 1];
    for (size_t offset = 0; offset < size && offset < 64; ++offset) {
        size_t length = 0;
        auto end = read_dns_name(input, offset, name, length);
        if (end.has_value() && (length > kDnsMaxNameText || end.value() > size))
            __builtin_trap();
    }

    Host host;
    oh::Xoshiro128 random(1);
    DnsResolver resolver(host, random);
    resolver.set_server(oh::Ipv4Address(192, 0, 2, 1));
    auto query = resolver.resolve("www.example.org", 0);
    // Its port is random: the fuzzer reaches the matching code through the port the query used.
    (void)resolver.receive(input, oh::Ipv4Address(192, 0, 2, 1), host.last_port, 0);
    if (query.has_value())
        (void)resolver.take_result(*query);
    return 0;
}
