// ps: the running user processes, "PID PARENT NAME" each (parent 0: started by the kernel).
#include <offhook/sys.h>

int main()
{
    char text[1024];
    int64_t n = sys::call(oh::abi::Sys::Procs, uint64_t(text), sizeof text);
    if (n < 0) {
        print_error("ps", n);
        return 1;
    }
    print("  PID PARENT NAME\n");
    sys::write(1, text, size_t(n));
    return 0;
}
