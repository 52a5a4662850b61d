// kread: a read of the kernel's direct map (mapped, but supervisor-only: a protection #PF).
#include <offhook/sys.h>

int main()
{
    print("kread: reading 0xffff800000100000\n");
    uint64_t v;
    asm volatile("movq (%1), %0" : "=r"(v) : "r"(0xffff800000100000ull) : "memory");
    print("kread: read the kernel (wrong): ");
    print_hex(v);
    print("\n");
    return 0;
}
