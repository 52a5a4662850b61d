// One parser of the phone's keys (see settings.h).
#include "sip/phone/settings.h"

#include "lib/inet.h"

namespace oh::phone {

namespace {

// sip.codecs=pcmu,pcma: the offer's order (RFC 3264 §5.1: most preferred first).
void parse_codecs(Str list, sip::SipConfig& c, PhoneOutput& out)
{
    uint8_t n = 0;
    sip::Codec codecs[2] {};
    while (!list.empty()) {
        size_t comma = find_char(list, ',');
        Str name = trim(list.substr(0, comma));
        sip::Codec codec;
        bool known = true;
        if (ieq(name, "pcmu") || ieq(name, "ulaw"))
            codec = sip::Codec::Pcmu;
        else if (ieq(name, "pcma") || ieq(name, "alaw"))
            codec = sip::Codec::Pcma;
        else
            known = false;
        if (!known)
            out.print("phone: sip.codecs: unknown codec %.*s ignored\n", int(name.size()), name.data());
        else if (n < 2 && (n == 0 || codecs[0] != codec))
            codecs[n++] = codec;
        if (comma == kNpos)
            break;
        list.remove_prefix(comma + 1);
    }
    if (n == 0)
        return; // the default offer: PCMU, PCMA
    c.codec_count = n;
    c.codecs[0] = codecs[0];
    c.codecs[1] = codecs[1];
}

void parse_trusted(Str list, sip::SipConfig& c, PhoneOutput& out)
{
    c.trusted_count = 0;
    while (!list.empty()) {
        size_t comma = find_char(list, ',');
        Str item = trim(list.substr(0, comma));
        // address[:port]: without a port, any port of that host (a PBX with several sockets).
        size_t colon = find_char(item, ':');
        auto ip = parse_dotted_quad(item.substr(0, colon));
        std::optional<uint32_t> port = 0u;
        if (colon != kNpos)
            port = parse_uint(item.substr(colon + 1), 65535);
        if (ip && port && (colon == kNpos || *port) && c.trusted_count < sip::kMaxTrustedSources)
            c.trusted[c.trusted_count++] = { *ip, uint16_t(*port) };
        else if (!item.empty())
            out.print("phone: sip.trusted: %.*s ignored (not address[:port], or more than %u)\n", int(item.size()),
                item.data(), unsigned(sip::kMaxTrustedSources));
        if (comma == kNpos)
            break;
        list.remove_prefix(comma + 1);
    }
}

// sip.server=host[:port].
bool parse_server(Str text, PhoneSettings& s, PhoneOutput& out)
{
    size_t colon = find_char(text, ':');
    Str host = text.substr(0, colon);
    uint16_t port = 5060; // RFC 3261 §19.1.2
    if (colon != kNpos) {
        auto p = parse_uint(text.substr(colon + 1), 65535);
        if (!p || *p == 0) {
            out.print("phone: sip.server=%.*s is not host[:port]; phone off\n", int(text.size()), text.data());
            return false;
        }
        port = uint16_t(*p);
    }
    if (host.empty()) {
        out.print("phone: sip.server=%.*s is not host[:port]; phone off\n", int(text.size()), text.data());
        return false;
    }
    s.server_host = host;
    s.sip.server.port = port;
    if (auto ip = parse_dotted_quad(host))
        s.sip.server.address = *ip;
    else
        s.server_name = host; // looked up once the stack has a DNS server
    return true;
}

} // namespace

bool parse_phone_settings(const CommandLine& c, PhoneSettings& s, PhoneOutput& out)
{
    s = PhoneSettings {};
    sip::SipConfig& sc = s.sip;
    auto server = c.get("sip.server");
    if (!server && !c.get("sip.user") && !c.get("sip.direct")) {
        out.print("phone: no sip.server (nor sip.user or sip.direct for calls without one); phone off\n");
        return false;
    }
    if (server) {
        if (!parse_server(*server, s, out))
            return false;
        // RFC 3261 §10.2: the registrar's domain, as the user wrote it.
        sc.domain = c.get_or("sip.domain", s.server_host);
        sc.route_via_server = !c.get_bool("sip.direct", false);
    } else {
        s.direct = true;
        sc.route_via_server = false;
        sc.domain = c.get_or("sip.domain", ""); // the phone's address, once known
    }
    // Callers other than the server and sip.trusted get 403 unless sip.accept=any.
    sc.accept_any_caller = c.get_or("sip.accept", "trusted") == std::string_view("any");
    sc.user = c.get_or("sip.user", "offhook");
    sc.password = c.get_or("sip.password", "");
    sc.auth_user = c.get_or("sip.authuser", "");
    sc.display_name = c.get_or("sip.name", "Offhook");
    if (auto e = c.get("sip.expires")) {
        // RFC 3261 §10.2.1: the registrar may shorten it, and may refuse one below its
        // minimum with 423 (the user agent then retries with Min-Expires).
        auto v = parse_uint(*e);
        if (v && *v >= 1)
            sc.expires = uint32_t(*v);
        else
            out.print("phone: sip.expires=%.*s is not a number of seconds; using %u\n", int(e->size()), e->data(),
                unsigned(sc.expires));
    }
    sc.auto_answer = c.get_bool("sip.autoanswer", false);
    parse_codecs(c.get_or("sip.codecs", ""), sc, out);
    parse_trusted(c.get_or("sip.trusted", ""), sc, out);
    if (auto t = c.get("rtp.ports")) {
        if (auto range = media::parse_rtp_port_range(*t))
            s.rtp_ports = *range;
        else
            out.print("phone: rtp.ports=%.*s is not FIRST-LAST with an even/odd pair; using %u-%u\n",
                int(t->size()), t->data(), s.rtp_ports.first, s.rtp_ports.last);
    }
    // Symmetric RTP towards a peer behind a NAT: only when asked (rtp_source_gate.h).
    if (c.get_bool("sip.nat", false))
        s.peer_mode = media::PeerMode::Latch;
    s.tone_hz = uint32_t(c.get_uint("phone.tone").value_or(440));
    s.echo = c.get_bool("phone.echo", false);
    s.dial = c.get_or("sip.dial", "");
    s.hangup_after_s = uint32_t(c.get_uint("sip.hangup").value_or(0));
    return true;
}

} // namespace oh::phone
