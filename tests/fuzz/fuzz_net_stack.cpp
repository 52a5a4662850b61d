// libFuzzer target: a sequence of whole Ethernet frames and clock steps fed into a Stack.
// Input: byte 0 picks the configuration; then records of
//   [control][length hi][length lo][frame...]
// where control's low 7 bits advance the clock in 100 ms steps and its top bit calls poll();
// a control of exactly 0x7f also reports the link coming up.
#include <stddef.h>
#include <stdint.h>

#include "lib/random.h"
#include "net/stack.h"

namespace {

class NullDevice final : public oh::net::NetDevice {
public:
    oh::Result<void> transmit(std::span<const uint8_t> frame) override
    {
        // Every frame the stack emits must itself be well formed Ethernet.
        if (frame.size() < oh::net::kEthernetMinFrame || frame.size() > oh::net::kEthernetMaxFrame)
            __builtin_trap();
        ++frames;
        return {};
    }
    size_t frames { 0 };
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    using namespace oh::net;
    NullDevice device;
    oh::FakeClock clock;
    clock.set(1000 * oh::kNsPerSec);
    oh::Xoshiro128 random(1); // fixed, so the fuzzer can learn the DHCP xid and DNS IDs
    const MacAddress mac { { 0x02, 0, 0, 0, 0, 0x10 } };
    Stack stack(device, clock, random, mac);
    NetConfig config;
    uint8_t mode = data[0];
    if (mode & 1) {
        config = parse_net_config("dhcp,fallback=192.0.2.10/24,gw=192.0.2.1,dns=192.0.2.1,timeout=5").value();
    } else {
        config = parse_net_config("192.0.2.10/24,gw=192.0.2.1,dns=192.0.2.1").value();
    }
    stack.start(config);
    stack.set_service(Service::IcmpEcho, ServiceState::Enabled);
    stack.set_service(Service::UdpEcho, ServiceState::Enabled);
    auto socket = stack.udp_open(5060);
    if (mode & 2)
        (void)stack.resolve("pbx.example.org");
    if (mode & 4)
        (void)stack.ping(oh::Ipv4Address(192, 0, 2, 1), 1, 56);

    size_t i = 1;
    uint8_t scratch[2048];
    while (i + 3 <= size) {
        uint8_t control = data[i];
        size_t length = size_t(data[i + 1]) << 8 | data[i + 2];
        i += 3;
        if (length > size - i)
            length = size - i;
        stack.receive_frame({ data + i, length });
        i += length;
        clock.advance(oh::Nanoseconds(control & 0x7f) * 100 * oh::kNsPerMs);
        if (control == 0x7f)
            stack.link_changed(LinkState::Up);
        if (control & 0x80)
            stack.poll();
        if (socket.has_value())
            (void)stack.udp_receive(*socket, scratch);
        (void)stack.take_ping_reply();
    }
    stack.poll();
    if (stack.pool_in_use() > kPoolBuffers)
        __builtin_trap();
    return 0;
}
