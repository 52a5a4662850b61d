// poweroff [CODE]: writes the disk back and powers off (QEMU exits with CODE).
#include <offhook/sys.h>

int main()
{
    const char* a = program_args();
    uint64_t code = 0;
    for (; *a >= '0' && *a <= '9' && code < 1000; a++)
        code = code * 10 + uint64_t(*a - '0');
    int64_t r = sys::call(oh::abi::Sys::PowerOff, code);
    print_error("poweroff", r);
    return 1;
}
