// Fuzz digest challenge/credential parsing and response computation.
#include <stddef.h>
#include <stdint.h>

#include "sip/digest.h"

using namespace oh;
using namespace oh::sip;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Str s(reinterpret_cast<const char*>(data), size);
    if (auto ch = parse_challenge(s)) {
        char buf[4096];
        Writer w(buf, sizeof buf);
        DigestInput in { "user", "pw", "REGISTER", "sip:example.com", "0a4f113b", 1 };
        write_authorization(w, *ch, in);
        if (w.ok()) {
            auto cred = parse_credentials(w.view());
            // Our own Authorization must verify, unless the challenge held characters that
            // cannot round-trip through a quoted string.
            if (cred && !verify_credentials(*cred, "REGISTER", "pw") && cred->nonce == ch->nonce
                && cred->realm == ch->realm && cred->opaque == ch->opaque)
                __builtin_trap();
        }
    }
    if (auto cred = parse_credentials(s))
        (void)verify_credentials(*cred, "INVITE", "pw");
    return 0;
}
