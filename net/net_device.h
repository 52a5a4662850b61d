// The link the stack sends frames through: a NIC driver, a TAP in tests, a loopback.
#pragma once

#include <stdint.h>

#include <span>

#include "lib/result.h"
#include "net/mac_address.h"

namespace oh::net {

class NetDevice {
public:
    // Sends one complete Ethernet frame (header included, FCS excluded, already padded to
    // the 60-byte minimum). The device copies it before returning: the stack reuses the buffer.
    virtual Result<void> transmit(std::span<const uint8_t> frame) = 0;

protected:
    ~NetDevice() = default;
};

// A NIC whose owner polls it for frames (the ARM port's network task): LAN9118, STM32 ETH.
class PolledNetDevice : public NetDevice {
public:
    // Copies the next received frame (FCS stripped) into `out`. WouldBlock: none queued.
    // NoSpace: the frame was larger than `out` and was dropped.
    virtual Result<size_t> receive(std::span<uint8_t> out) = 0;
    virtual MacAddress mac() const = 0;

protected:
    ~PolledNetDevice() = default;
};

} // namespace oh::net
