// The phone: SIP signalling at normal priority, the media path in a real-time thread pinned
// to one CPU and paced by the sound device, both fed by the kernel's network stack.
#pragma once

#include "lib/cmdline/cmdline.h"

namespace oh::kernel {

// Start the phone if the command line names a SIP server (sip.server=...). Needs the
// network (network_init) first.
void phone_init(const CommandLine& cl);

} // namespace oh::kernel
