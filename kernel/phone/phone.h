// The phone: SIP signalling at normal priority, the media path in a real-time thread pinned
// to one CPU and paced by the sound device, both fed by the kernel's network stack.
#pragma once

#include "lib/cmdline/cmdline.h"

namespace oh::kernel {

// Start the phone if the command line names a SIP server (sip.server=...). Needs the
// network (network_init) first.
void phone_init(const CommandLine& cl);

// One phone console command ("dial 2000", "status", ...) from a user program's system call:
// 0 when run, -1 when argv[0] is not a phone command, -2 when no phone runs.
int phone_command(int argc, const char* const* argv);

} // namespace oh::kernel
