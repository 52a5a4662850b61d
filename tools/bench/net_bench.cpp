// Frames per second through oh::net::Stack, in process (no kernel, no NIC): ICMP echo and UDP
// echo, each a received request frame turned into a transmitted reply frame.
//
// Build and run from the repository root:
//   g++ -std=c++20 -O2 -I. tools/bench/net_bench.cpp net/*.cpp -o build/net_bench && ./build/net_bench
#include <stdio.h>

#include <chrono>
#include <vector>

#include "lib/random.h"
#include "net/stack.h"

namespace {

using namespace oh;
using namespace oh::net;
using Bytes = std::vector<uint8_t>;

const MacAddress kUs { { 0x02, 0, 0, 0, 0, 0x10 } };
const MacAddress kPeer { { 0x02, 0, 0, 0, 0, 0x20 } };
const oh::Ipv4Address kOurIp(192, 0, 2, 10);
const oh::Ipv4Address kPeerIp(192, 0, 2, 20);

class CountingDevice final : public NetDevice {
public:
    oh::Result<void> transmit(std::span<const uint8_t> frame) override
    {
        frames++;
        bytes += frame.size();
        last = frame[frame.size() - 1]; // touch the data so nothing is optimized away
        return {};
    }
    uint64_t frames { 0 };
    uint64_t bytes { 0 };
    uint8_t last { 0 };
};

Bytes ip_frame(IpProtocol protocol, const Bytes& payload)
{
    Bytes f(14 + 20);
    write_ethernet_header(f, kUs, kPeer, EtherType::Ipv4);
    write_ipv4_header(std::span(f).subspan(14), { kPeerIp, kOurIp, protocol, uint16_t(payload.size()), 1, 64 });
    f.insert(f.end(), payload.begin(), payload.end());
    return f;
}

Bytes ping_frame(size_t size)
{
    Bytes m(8 + size, 0x61);
    write_icmp_echo(m, IcmpType::EchoRequest, 1, 1, std::span(m).subspan(8));
    return ip_frame(IpProtocol::Icmp, m);
}

Bytes udp_echo_frame(size_t size)
{
    Bytes u(8 + size, 0x62);
    write_udp_header(u, kPeerIp, kOurIp, 40000, kUdpEchoPort, size);
    return ip_frame(IpProtocol::Udp, u);
}

void run(const char* name, const Bytes& frame, uint64_t iterations)
{
    CountingDevice device;
    oh::FakeClock clock;
    oh::Xoshiro128 random(1);
    Stack stack(device, clock, random, kUs);
    stack.start(parse_net_config("192.0.2.10/24").value());
    stack.set_service(Service::IcmpEcho, ServiceState::Enabled);
    stack.set_service(Service::UdpEcho, ServiceState::Enabled);
    // Teach the stack the peer so replies go straight out.
    Bytes arp(42);
    write_ethernet_header(arp, kUs, kPeer, EtherType::Arp);
    write_arp(std::span(arp).subspan(14), { ArpOperation::Request, kPeer, kPeerIp, {}, kOurIp });
    stack.receive_frame(arp);
    device.frames = 0;

    auto start = std::chrono::steady_clock::now();
    for (uint64_t i = 0; i < iterations; ++i)
        stack.receive_frame(frame);
    auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (device.frames != iterations) {
        printf("%s: expected %llu replies, got %llu\n", name, (unsigned long long)iterations, (unsigned long long)device.frames);
        return;
    }
    printf("%-28s %8zu-byte frames  %10.0f frames/s  %7.1f ns/frame  %7.1f MB/s in\n", name, frame.size(),
        double(iterations) / elapsed, elapsed * 1e9 / double(iterations), double(iterations * frame.size()) / elapsed / 1e6);
}

} // namespace

int main()
{
    printf("sizeof(Stack) = %zu bytes (pool %zu x %zu bytes)\n", sizeof(Stack), kPoolBuffers, kPoolBufferSize);
    run("ICMP echo, 56-byte payload", ping_frame(56), 2000000);
    run("ICMP echo, 1472-byte payload", ping_frame(1472), 500000);
    run("UDP echo, 172 bytes (RTP)", udp_echo_frame(172), 2000000);
    run("UDP echo, 1472 bytes", udp_echo_frame(1472), 500000);
    return 0;
}
