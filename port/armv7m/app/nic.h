// What the port's network task needs from a NIC driver beyond net::NetDevice: receive.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/result.h"
#include "net/mac_address.h"
#include "net/net_device.h"

namespace oh::arm {

class Nic : public net::NetDevice {
public:
    // Copies the next received frame (FCS stripped) into `out`. WouldBlock: none queued.
    // NoSpace: the frame was larger than `out` and was dropped.
    virtual Result<size_t> receive(std::span<uint8_t> out) = 0;
    virtual net::MacAddress mac() const = 0;

protected:
    ~Nic() = default;
};

} // namespace oh::arm
