// Parses the baked command line with the x86 kernel's parser and net/'s `net=` grammar.
#include "port/armv7m/app/config.h"

#include "port/armv7m/console.h"

extern "C" const char oh_baked_cmdline[];

namespace oh::arm {

std::string_view baked_cmdline() { return oh_baked_cmdline; }

BoardConfig load_config()
{
    BoardConfig c;
    c.cmdline = CommandLine(baked_cmdline());
    auto net_text = c.cmdline.get_or("net", "dhcp");
    auto parsed = net::parse_net_config(net_text);
    if (parsed.is_error())
        kprint("config: net=%.*s is invalid (%s), using dhcp\n", int(net_text.size()), net_text.data(),
            parsed.error_info().text());
    else
        c.net = parsed.value();
    return c;
}

} // namespace oh::arm
