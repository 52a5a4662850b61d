// spinner: burns its CPU in ring 3 without a system call, forever; the timer interrupt must
// still take the CPU away from it.
#include <offhook/sys.h>

int main()
{
    print("spinner: spinning\n");
    for (uint64_t n = 0;; n++)
        asm volatile("" : "+r"(n)); // keeps the loop: no call, no memory access, just cycles
}
