// put FILE TEXT...: writes TEXT and a newline to FILE on the FAT32 disk (created or emptied);
// `put -a FILE TEXT...` appends instead.
#include <offhook/sys.h>

int main()
{
    const char* a = program_args();
    uint64_t mode = oh::abi::kOpenWrite;
    if (a[0] == '-' && a[1] == 'a' && a[2] == ' ') {
        mode = oh::abi::kOpenAppend;
        a += 3;
        while (*a == ' ')
            a++;
    }
    const char* name = a;
    while (*a && *a != ' ')
        a++;
    size_t name_len = size_t(a - name);
    while (*a == ' ')
        a++;
    if (!name_len) {
        print("usage: put [-a] FILE TEXT...\n");
        return 2;
    }
    char path[64];
    if (name_len >= sizeof path) {
        print("put: path too long\n");
        return 2;
    }
    for (size_t i = 0; i < name_len; i++)
        path[i] = name[i];
    path[name_len] = 0;
    int64_t fd = sys::open(path, name_len, mode);
    if (fd < 0) {
        print_error(path, fd);
        return 1;
    }
    size_t n = str_len(a);
    int64_t w = n ? sys::write(int(fd), a, n) : 0;
    int64_t nl = sys::write(int(fd), "\n", 1);
    sys::close(fd);
    if (w < 0 || nl < 0) {
        print_error(path, w < 0 ? w : nl);
        return 1;
    }
    return 0;
}
