// The e1000 driver core bound to the kernel: PCI, MMIO, DMA frames and its interrupt.
#pragma once

#include "kernel/net/network.h"

namespace oh::kernel {

// Finds an 82540EM on the PCI list, initializes it, routes its INTx to `on_event`'s caller.
// nullptr when there is none or it fails to come up (the reason is printed).
Nic* e1000_probe_and_start(void (*on_event)());

} // namespace oh::kernel
