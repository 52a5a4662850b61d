// The phone's settings, from the `sip.*`, `rtp.*` and `phone.*` keys of any key=value source
// (the kernel command line, the disk's config file merged into it, the ARM image's baked
// line). One parser for both targets.
#pragma once

#include <stdint.h>

#include "lib/cmdline/cmdline.h"
#include "sip/media/media_session.h"
#include "sip/media/rtp_ports.h"
#include "sip/phone/output.h"
#include "sip/user_agent.h"

namespace oh::phone {

struct PhoneSettings {
    // sip.server (address and port; the address is unset while server_name must be looked
    // up), sip.domain, sip.user, sip.password, sip.authuser, sip.name, sip.expires,
    // sip.autoanswer, sip.codecs, sip.trusted.
    sip::SipConfig sip {};
    Str server_name {};       // sip.server's host when it is a name, not an address
    Str server_host {};       // sip.server's host as written
    // No sip.server: no registration; calls come straight from peers (sip.trusted, or anyone
    // with sip.accept=any) and `dial sip:user@host[:port]` goes straight to that host. With a
    // server, sip.direct=1 dials a URI naming another IPv4 host directly too. The domain is
    // then the phone's own address unless sip.domain says otherwise (left empty here: the
    // target fills it in once it has an address).
    bool direct { false };
    media::RtpPortRange rtp_ports {}; // rtp.ports=FIRST-LAST
    media::PeerMode peer_mode { media::PeerMode::Negotiated }; // sip.nat=yes: latch
    uint32_t tone_hz { 440 }; // phone.tone: sent when there is no microphone (0: silence)
    bool echo { false };      // phone.echo: loop received audio back
    Str dial {};              // sip.dial: call this once registered
    uint32_t hangup_after_s { 0 }; // sip.hangup: end an answered call after this long
};

// Fills `s` from `c`; false (and a line on `out`) when the phone cannot run: nothing asks for
// a phone (no sip.server, sip.user or sip.direct), or a sip.server that is not host[:port].
// A malformed optional key is reported and its default kept.
// The views in `s` point into the source's text, which must outlive them.
bool parse_phone_settings(const CommandLine& c, PhoneSettings& s, PhoneOutput& out);

} // namespace oh::phone
