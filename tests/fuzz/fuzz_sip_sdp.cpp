// Fuzz the SDP parser and both sides of offer/answer, including answer building.
#include <stddef.h>
#include <stdint.h>

#include "sip/sdp.h"

using namespace oh;
using namespace oh::sip;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    SessionDescription sd;
    if (parse_sdp(Str(reinterpret_cast<const char*>(data), size), sd).is_error())
        return 0;
    LocalMedia local;
    local.rtp = { oh::Ipv4Address(192, 0, 2, 10), 4000 };
    if (auto ms = negotiate_offer(sd, local, Direction::SendRecv)) {
        char buf[2048];
        Writer w(buf, sizeof buf);
        write_sdp_answer(w, local, sd, *ms);
        SessionDescription again;
        if (w.ok() && parse_sdp(w.view(), again).is_error())
            __builtin_trap(); // our own answer must parse
    }
    (void)accept_answer(sd, local).is_error();
    return 0;
}
