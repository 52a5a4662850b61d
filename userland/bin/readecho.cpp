// readecho: reads one line from the console and writes it back.
#include <offhook/sys.h>

int main()
{
    print("readecho: ready\n");
    char line[64];
    size_t n = 0;
    while (n < sizeof line) {
        int64_t r = sys::read(0, line + n, sizeof line - n);
        if (r <= 0)
            return 1;
        n += size_t(r);
        if (line[n - 1] == '\n')
            break;
    }
    print("readecho: got '");
    sys::write(1, line, n && line[n - 1] == '\n' ? n - 1 : n);
    print("'\n");
    return 0;
}
