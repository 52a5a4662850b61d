// Fuzz SIP URI, name-addr, Via and parameter parsing.
#include <stddef.h>
#include <stdint.h>

#include "sip/headers.h"
#include "sip/uri.h"

using namespace oh;
using namespace oh::sip;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Str s(reinterpret_cast<const char*>(data), size);
    if (auto u = parse_uri(s)) {
        bool found = false;
        find_param(u->params, "transport", &found);
        find_param(u->params, "lr", &found);
        oh::Ipv4Address a;
        u->ipv4(a);
        // Parts are views into the input.
        if (!u->host.empty() && (u->host.data() < s.data() || u->host.end() > s.end()))
            __builtin_trap();
    }
    if (auto na = parse_name_addr(s))
        (void)na->tag();
    (void)parse_via(s).is_error();
    oh::Ipv4Address a;
    parse_ipv4(s, a);
    return 0;
}
