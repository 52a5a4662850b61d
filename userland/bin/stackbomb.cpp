// stackbomb: recurses until its stack runs into the unmapped guard page below it.
#include <offhook/sys.h>

namespace {

// Small frames, each touched, so the first access past the stack lands in the guard page.
[[gnu::noinline]] uint64_t dive(uint64_t depth)
{
    if (depth == ~0ull) // never: keeps the compiler from calling this recursion infinite
        return 0;
    volatile uint8_t frame[256];
    frame[0] = uint8_t(depth);
    uint64_t below = dive(depth + 1);
    return below + frame[0];
}

} // namespace

int main()
{
    print("stackbomb: recursing\n");
    dive(0);
    print("stackbomb: bottomless stack (wrong)\n");
    return 0;
}
