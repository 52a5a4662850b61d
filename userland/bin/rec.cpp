// rec: the call recordings on the disk (/REC), each with its size and duration, read from
// its WAV header (RIFF "fmt " byte rate at offset 28) through the file system calls.
#include <offhook/sys.h>

namespace {

uint32_t le32(const unsigned char* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }

} // namespace

int main()
{
    int64_t dir = sys::open("/REC", 4);
    if (dir < 0) {
        print(dir == -oh::abi::kENOENT ? "rec: no recordings\n" : "rec: no disk\n");
        return dir == -oh::abi::kENOENT ? 0 : 1;
    }
    int count = 0;
    for (;;) {
        char e[300];
        int64_t n = sys::readdir(dir, e, sizeof e - 1);
        if (n <= 0)
            break;
        e[n] = 0;
        char* tab = e;
        while (*tab && *tab != '\t')
            tab++;
        if (!*tab)
            continue;
        *tab = 0;
        const char* size = tab + 1;
        const char* kind = size;
        while (*kind && *kind != '\t')
            kind++;
        if (*kind && kind[1] == 'd')
            continue;
        char path[80] = "/REC/";
        size_t i = 5;
        for (const char* s = e; *s && i + 1 < sizeof path; s++)
            path[i++] = *s;
        path[i] = 0;
        unsigned char h[44] = {};
        int64_t fd = sys::open(path, i);
        int64_t got = fd >= 0 ? sys::read(int(fd), h, sizeof h) : -1;
        if (fd >= 0)
            sys::close(fd);
        uint64_t bytes = 0;
        for (const char* s = size; *s >= '0' && *s <= '9'; s++)
            bytes = bytes * 10 + uint64_t(*s - '0');
        uint32_t rate = got == 44 ? le32(h + 28) : 0;
        uint64_t ms = rate && bytes > 44 ? (bytes - 44) * 1000 / rate : 0;
        printf("%s %lu bytes %lu.%lu s %s\n", e, (unsigned long)bytes, (unsigned long)(ms / 1000),
               (unsigned long)(ms % 1000 / 100), rate == 32000 ? "stereo" : rate == 16000 ? "mono" : "?");
        count++;
    }
    sys::close(dir);
    printf("%d recordings\n", count);
    return 0;
}
