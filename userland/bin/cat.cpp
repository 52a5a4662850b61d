// cat FILE: a file of the FAT32 disk to the console.
#include <offhook/sys.h>

int main()
{
    const char* path = program_args();
    if (!*path) {
        print("usage: cat FILE\n");
        return 2;
    }
    int64_t fd = sys::open(path, str_len(path));
    if (fd < 0) {
        print_error(path, fd);
        return 1;
    }
    char buf[1024];
    for (;;) {
        int64_t n = sys::read(int(fd), buf, sizeof buf);
        if (n < 0) {
            print_error(path, n);
            sys::close(fd);
            return 1;
        }
        if (n == 0)
            break;
        sys::write(1, buf, size_t(n));
    }
    sys::close(fd);
    return 0;
}
