// Before the kernel powers off (kernel_exit), write back what the cache still holds.
#include "kernel/console/console.h"
#include "kernel/storage/storage.h"

namespace oh::kernel {

void storage_shutdown()
{
    if (!fs_mounted())
        return;
    if (auto r = fs_sync(); r.is_error())
        printk("storage: sync before power-off failed: %s\n", r.error_info().text());
}

} // namespace oh::kernel
