// nullwrite: a store to address 0 (a page fault the kernel must pin on this process only).
#include <offhook/sys.h>

int main()
{
    print("nullwrite: writing to 0x0\n");
    // In asm: a C++ null store is undefined behaviour the compiler may turn into ud2.
    asm volatile("movl $1, 0" ::: "memory");
    print("nullwrite: still alive (wrong)\n");
    return 0;
}
