// ls [DIR]: the entries of a directory on the FAT32 disk (default /), one per line:
// size, d or -, name.
#include <offhook/sys.h>

int main()
{
    const char* path = program_args();
    if (!*path)
        path = "/";
    int64_t fd = sys::open(path, str_len(path));
    if (fd < 0) {
        print_error(path, fd);
        return 1;
    }
    int count = 0;
    for (;;) {
        char e[300];
        int64_t n = sys::readdir(fd, e, sizeof e - 1);
        if (n < 0) {
            print_error(path, n);
            sys::close(fd);
            return 1;
        }
        if (n == 0)
            break;
        e[n] = 0;
        // NAME \t SIZE \t f|d
        char* size = e;
        while (*size && *size != '\t')
            size++;
        char* kind = size;
        if (*size)
            *size++ = 0;
        kind = size;
        while (*kind && *kind != '\t')
            kind++;
        bool dir = false;
        if (*kind) {
            *kind++ = 0;
            dir = *kind == 'd';
        }
        for (size_t pad = str_len(size); pad < 10; pad++)
            print(" ");
        print(size);
        print(dir ? " d " : " - ");
        print(e);
        print(dir ? "/\n" : "\n");
        count++;
    }
    sys::close(fd);
    print_int(count);
    print(" entries\n");
    return 0;
}
