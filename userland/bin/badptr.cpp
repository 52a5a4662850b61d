// badptr: bad pointers handed to system calls come back as -EFAULT (and other bad arguments
// as their error), the process carries on and exits 0 only if every answer was right.
#include <offhook/sys.h>

namespace {

int g_wrong = 0;
const char kRodata[8] = "rodata!";

void expect(const char* what, int64_t got, int64_t want)
{
    print("badptr: ");
    print(what);
    print(" -> ");
    print_int(got);
    if (got != want) {
        print(" (want ");
        print_int(want);
        print(")");
        g_wrong++;
    }
    print("\n");
}

} // namespace

int main()
{
    using namespace oh::abi;
    char stack_buf[16] = "ok\n";
    expect("write(null)", sys::write(1, nullptr, 4), -kEFAULT);
    expect("write(0x10)", sys::write(1, reinterpret_cast<void*>(0x10), 4), -kEFAULT);
    expect("write(kernel)", sys::write(1, reinterpret_cast<void*>(0xffffffff80100000ull), 16), -kEFAULT);
    expect("write(unmapped)", sys::write(1, reinterpret_cast<void*>(0x7ff000000000ull), 16), -kEFAULT);
    expect("write(non-canonical)", sys::write(1, reinterpret_cast<void*>(0x0000800000000000ull), 1), -kEFAULT);
    expect("write(wraps)", sys::write(1, reinterpret_cast<void*>(~0ull - 4), 16), -kEFAULT);
    // Starts on the stack, runs past its top into the unmapped pages above it.
    expect("write(past stack top)", sys::write(1, stack_buf, ~0ull), -kEFAULT);
    expect("read(into rodata)", sys::read(0, const_cast<char*>(kRodata), 4), -kEFAULT);
    expect("read(kernel)", sys::read(0, reinterpret_cast<void*>(0xffff800000000000ull), 4), -kEFAULT);
    expect("write(bad fd)", sys::write(5, stack_buf, 3), -kEBADF);
    expect("sleep(too long)", sys::sleep_ns(~0ull), -kEINVAL);
    expect("syscall 99", sys::call_raw(99), -kENOSYS);
    expect("syscall -1", sys::call_raw(~0ull), -kENOSYS);
    expect("write(ok)", sys::write(1, stack_buf, 3), 3);
    if (g_wrong) {
        print("badptr: FAILED\n");
        return 1;
    }
    print("badptr: all refused\n");
    return 0;
}
