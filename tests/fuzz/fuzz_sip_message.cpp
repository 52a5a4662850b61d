// Fuzz the SIP message parser (both framings), header sub-parsers and response building.
#include <stddef.h>
#include <stdint.h>

#include "sip/builder.h"
#include "sip/headers.h"
#include "sip/message.h"
#include "sip/uri.h"

using namespace oh;
using namespace oh::sip;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::span<const uint8_t> in(data, size);
    Message m;
    (void)parse_message(in, Framing::Stream, m).is_error();
    if (parse_message(in, Framing::Datagram, m).is_error()) {
        Message salvage;
        salvage_for_reply(in, salvage);
        return 0;
    }
    if (validate_message(m).is_error())
        return 0;
    for (uint8_t i = 0; i < m.header_count; i++) {
        const Header& h = m.headers[i];
        ListSplitter split(h.value);
        Str item;
        while (split.next(item)) {
            if (h.id == HeaderId::Via)
                (void)parse_via(item).is_error();
            else if (h.id == HeaderId::Contact || h.id == HeaderId::Route || h.id == HeaderId::RecordRoute)
                (void)parse_name_addr(item).is_error();
        }
    }
    (void)parse_name_addr(m.from).is_error();
    (void)parse_name_addr(m.to).is_error();
    char buf[4096];
    Writer w(buf, sizeof buf);
    oh::Endpoint src { oh::Ipv4Address(192, 0, 2, 1), 5060 };
    write_response_head(w, m, 200, {}, "tag", &src);
    if (auto len = finish_message(w, "", "")) {
        // What we build must parse again, unless it only has more header lines than our own
        // parser keeps (kMaxHeaders): a response copies every Via of the request (RFC 3261
        // §8.2.6.2), so a request of kMaxHeaders lines, most of them Vias, answers with more.
        size_t lines = 0;
        for (size_t i = 0; i + 3 < *len && !(buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r'); i++)
            lines += buf[i] == '\r' && buf[i + 1] == '\n';
        Message r;
        if (parse_message({ reinterpret_cast<const uint8_t*>(buf), *len }, Framing::Stream, r).is_error()
            && lines <= kMaxHeaders)
            __builtin_trap();
    }
    return 0;
}
