// Console receive (see console_input.h): a single-producer (interrupt) / single-consumer
// (thread) ring of characters; the thread assembles lines so the interrupt stays short.
#include "port/armv7m/console_input.h"

#include "port/armv7m/console.h"
#include "port/armv7m/cpu.h"
#include "port/armv7m/thread.h"

namespace oh::arm {

namespace {

constexpr size_t kRing = 128;   // a pasted command line at 115200 baud, between two thread runs
constexpr size_t kLine = 96;

constinit volatile char s_ring[kRing] {};
constinit volatile uint32_t s_head = 0; // written by the interrupt
constinit volatile uint32_t s_tail = 0; // written by the thread
constinit volatile uint32_t s_dropped = 0;
constinit Event* s_listener = nullptr;

// Thread side: the line being typed.
constinit char s_line[kLine] {};
constinit size_t s_len = 0;
constinit bool s_cut = false;

} // namespace

void console_set_listener(Event* event) { s_listener = event; }

void console_rx(char c)
{
    uint32_t head = s_head;
    if (head - s_tail >= kRing) {
        s_dropped = s_dropped + 1;
        return;
    }
    s_ring[head % kRing] = c;
    s_head = head + 1;
    if ((c == '\r' || c == '\n') && s_listener)
        s_listener->signal();
}

uint32_t console_rx_dropped() { return s_dropped; }

bool console_take_line(char* out, size_t cap)
{
    while (s_tail != s_head) {
        char c = s_ring[s_tail % kRing];
        s_tail = s_tail + 1;
        if (c == '\r' || c == '\n') {
            kprint("\n");
            if (s_len == 0 && !s_cut)
                continue; // an empty line, or the LF of a CR LF pair
            size_t n = s_len < cap - 1 ? s_len : cap - 1;
            for (size_t i = 0; i < n; i++)
                out[i] = s_line[i];
            out[n] = 0;
            if (s_cut)
                kprint("console: line longer than %u characters cut\n", unsigned(kLine - 1));
            s_len = 0;
            s_cut = false;
            return true;
        }
        if (c == '\b' || c == 0x7f) {
            if (s_len) {
                s_len--;
                kprint("\b \b");
            }
            continue;
        }
        if (uint8_t(c) < 0x20)
            continue; // other control characters: ignored
        if (s_len < kLine - 1) {
            s_line[s_len++] = c;
            kprint("%c", c);
        } else {
            s_cut = true;
        }
    }
    return false;
}

int console_split(char* line, const char** argv, int max)
{
    int n = 0;
    char* p = line;
    while (*p && n < max) {
        while (*p == ' ' || *p == '\t')
            *p++ = 0;
        if (!*p)
            break;
        argv[n++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    return n;
}

} // namespace oh::arm
