// printf-style formatter shared by printk, the SIP serializer and the ARM console.
#include "lib/format.h"

#include <stdint.h>

namespace oh {

namespace {

struct BufSink {
    char* buf;
    size_t cap;
    size_t len;
};

void buf_put(char c, void* ctx)
{
    auto* s = static_cast<BufSink*>(ctx);
    if (s->cap && s->len + 1 < s->cap)
        s->buf[s->len] = c;
    s->len++;
}

struct Spec {
    bool left { false };
    bool zero { false };
    int width { 0 };
    int precision { -1 };
};

size_t emit_padded(PutChar put, void* ctx, const char* s, size_t n, const Spec& spec, char sign = 0)
{
    size_t total = n + (sign ? 1 : 0);
    size_t pad = spec.width > 0 && size_t(spec.width) > total ? size_t(spec.width) - total : 0;
    size_t out = 0;
    if (!spec.left && !spec.zero)
        for (; pad; pad--, out++)
            put(' ', ctx);
    if (sign) {
        put(sign, ctx);
        out++;
    }
    if (!spec.left && spec.zero)
        for (; pad; pad--, out++)
            put('0', ctx);
    for (size_t i = 0; i < n; i++, out++)
        put(s[i], ctx);
    for (; pad; pad--, out++)
        put(' ', ctx);
    return out;
}

size_t emit_unsigned(PutChar put, void* ctx, uint64_t v, unsigned base, bool upper, const Spec& spec, char sign = 0)
{
    char tmp[24];
    size_t n = 0;
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    char rev[24];
    for (size_t i = 0; i < n; i++)
        rev[i] = tmp[n - 1 - i];
    return emit_padded(put, ctx, rev, n, spec, sign);
}

} // namespace

size_t vformat_to(PutChar put, void* ctx, const char* fmt, va_list ap)
{
    size_t out = 0;
    for (const char* p = fmt; *p; p++) {
        if (*p != '%') {
            put(*p, ctx);
            out++;
            continue;
        }
        p++;
        Spec spec;
        for (;; p++) {
            if (*p == '-')
                spec.left = true;
            else if (*p == '0')
                spec.zero = true;
            else
                break;
        }
        if (*p == '*') {
            spec.width = va_arg(ap, int);
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                spec.width = spec.width * 10 + (*p++ - '0');
        }
        if (*p == '.') {
            p++;
            spec.precision = 0;
            if (*p == '*') {
                spec.precision = va_arg(ap, int);
                p++;
            } else {
                while (*p >= '0' && *p <= '9')
                    spec.precision = spec.precision * 10 + (*p++ - '0');
            }
        }
        int longs = 0;
        bool size_t_mod = false;
        while (*p == 'l' || *p == 'h' || *p == 'z') {
            if (*p == 'l')
                longs++;
            if (*p == 'z')
                size_t_mod = true;
            p++;
        }
        auto get_unsigned = [&]() -> uint64_t {
            if (size_t_mod)
                return va_arg(ap, size_t);
            if (longs >= 2)
                return va_arg(ap, unsigned long long);
            if (longs == 1)
                return va_arg(ap, unsigned long);
            return va_arg(ap, unsigned int);
        };
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v;
            if (size_t_mod)
                v = int64_t(va_arg(ap, size_t));
            else if (longs >= 2)
                v = va_arg(ap, long long);
            else if (longs == 1)
                v = va_arg(ap, long);
            else
                v = va_arg(ap, int);
            uint64_t mag = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
            out += emit_unsigned(put, ctx, mag, 10, false, spec, v < 0 ? '-' : 0);
            break;
        }
        case 'u': out += emit_unsigned(put, ctx, get_unsigned(), 10, false, spec); break;
        case 'x': out += emit_unsigned(put, ctx, get_unsigned(), 16, false, spec); break;
        case 'X': out += emit_unsigned(put, ctx, get_unsigned(), 16, true, spec); break;
        case 'o': out += emit_unsigned(put, ctx, get_unsigned(), 8, false, spec); break;
        case 'p': {
            Spec ps = spec;
            ps.zero = true;
            ps.width = 16;
            put('0', ctx);
            put('x', ctx);
            out += 2 + emit_unsigned(put, ctx, uint64_t(uintptr_t(va_arg(ap, void*))), 16, false, ps);
            break;
        }
        case 'c': {
            char c = char(va_arg(ap, int));
            out += emit_padded(put, ctx, &c, 1, spec);
            break;
        }
        case 's': {
            const char* s = va_arg(ap, const char*);
            if (!s)
                s = "(null)";
            size_t n = 0;
            while ((spec.precision < 0 || n < size_t(spec.precision)) && s[n])
                n++;
            Spec ss = spec;
            ss.zero = false;
            out += emit_padded(put, ctx, s, n, ss);
            break;
        }
        case '%':
            put('%', ctx);
            out++;
            break;
        case '\0':
            return out;
        default:
            put('%', ctx);
            put(*p, ctx);
            out += 2;
            break;
        }
    }
    return out;
}

size_t vformat(char* buf, size_t cap, const char* fmt, va_list ap)
{
    BufSink sink { buf, cap, 0 };
    size_t n = vformat_to(buf_put, &sink, fmt, ap);
    if (cap)
        buf[sink.len < cap ? sink.len : cap - 1] = '\0';
    return n;
}

size_t format(char* buf, size_t cap, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = vformat(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

} // namespace oh
