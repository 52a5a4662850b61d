// hello: the first program: one write, one exit code.
#include <offhook/sys.h>

int main()
{
    static const char msg[] = "hello from ring 3\n";
    if (sys::write(1, msg, sizeof msg - 1) != int64_t(sizeof msg - 1))
        return 1;
    return 7; // the test checks the kernel reports this code
}
