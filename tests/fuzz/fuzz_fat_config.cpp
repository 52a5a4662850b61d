// libFuzzer target: /offhook.cfg parsing never crashes, never overruns its output, and what
// it produces is well-formed command-line text (single spaces, key=value words).
#include "lib/fs/config_file.h"

#include <stddef.h>
#include <stdint.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    char out[256];
    oh::fs::ConfigParseStats st;
    auto r = oh::fs::config_to_cmdline(std::string_view(reinterpret_cast<const char*>(data), size), out, st);
    if (r.is_error())
        return 0;
    size_t n = r.value();
    if (n > sizeof out)
        __builtin_trap();
    for (size_t i = 0; i < n; i++) {
        if (out[i] == '\0' || out[i] == '\n' || out[i] == '\t')
            __builtin_trap();
        if (out[i] == ' ' && (i == 0 || i + 1 == n || out[i + 1] == ' '))
            __builtin_trap();
    }
    return 0;
}
