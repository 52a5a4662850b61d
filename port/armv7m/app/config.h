// The configuration baked into an ARM image (`make arm CMDLINE='…'`), same keys as x86.
#pragma once

#include <string_view>

#include "lib/cmdline/cmdline.h"
#include "net/config.h"

namespace oh::arm {

// The command line given at build time (generated file; "net=dhcp" when empty).
std::string_view baked_cmdline();

struct BoardConfig {
    CommandLine cmdline;
    net::NetConfig net;
};

// Falls back to DHCP (and says so) when `net=` is malformed: a typo must not brick a board.
BoardConfig load_config();

} // namespace oh::arm
