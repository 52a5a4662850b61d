// Dialog creation from requests/responses and in-dialog request headers (RFC 3261 §12).
#include "sip/dialog.h"

#include "sip/builder.h"
#include "sip/uri.h"

namespace oh::sip {

namespace {

// Collects Record-Route entries, in order or reversed, into one Route value.
bool collect_route_set(const Message& m, bool reverse, decltype(Dialog::route_set)& out)
{
    constexpr size_t kMaxRoutes = 8;
    Str routes[kMaxRoutes];
    size_t n = 0;
    for (const Header* h = m.find(HeaderId::RecordRoute); h; h = m.next(HeaderId::RecordRoute, h)) {
        ListSplitter split(h->value);
        Str item;
        while (split.next(item)) {
            if (n == kMaxRoutes)
                return false;
            routes[n++] = item;
        }
    }
    char buf[320];
    Writer w(buf, sizeof buf);
    for (size_t i = 0; i < n; i++) {
        if (i)
            w.put(", ");
        w.put(routes[reverse ? n - 1 - i : i]);
    }
    return w.ok() && out.assign(w.view());
}

Result<void> set_remote_target(Dialog& d, const Message& m)
{
    Str target = contact_uri(m);
    if (target.empty() || !d.remote_target.assign(target))
        return Result<void>(Error::Malformed, "Bad Contact");
    return {};
}

} // namespace

Str contact_uri(const Message& msg)
{
    const Header* h = msg.find(HeaderId::Contact);
    if (!h)
        return {};
    ListSplitter split(h->value);
    Str first;
    if (!split.next(first))
        return {};
    auto na = parse_name_addr(first);
    return na ? na->uri.text : Str {};
}

Result<void> dialog_from_request(Dialog& d, const Message& req, Str local_tag)
{
    d.clear();
    auto from = parse_name_addr(req.from);
    if (!from)
        return Result<void>(Error::Malformed, "Bad From");
    char buf[decltype(d.local_header)::capacity()];
    Writer w(buf, sizeof buf);
    w.put(req.to).put(";tag=").put(local_tag);
    if (!w.ok() || !d.call_id.assign(req.call_id) || !d.local_tag.assign(local_tag)
        || !d.remote_tag.assign(from->tag()) || !d.remote_header.assign(req.from) || !d.local_header.assign(w.view()))
        return Result<void>(Error::Malformed, "Dialog field too long");
    if (!collect_route_set(req, false, d.route_set))
        return Result<void>(Error::Malformed, "Route set too long");
    d.remote_cseq = req.cseq;
    d.remote_cseq_known = true;
    // An RFC 2543 caller may leave Contact out (RFC 4475 §3.4.1); RFC 2543 §6.13 then has
    // requests go back to the From address.
    if (!req.find(HeaderId::Contact)) {
        if (!d.remote_target.assign(from->uri.text))
            return Result<void>(Error::Malformed, "Dialog field too long");
        return {};
    }
    return set_remote_target(d, req);
}

Result<void> dialog_from_response(Dialog& d, const Message& resp)
{
    auto to = parse_name_addr(resp.to);
    if (!to || to->tag().empty())
        return Result<void>(Error::Malformed, "Response without To tag");
    if (!d.remote_tag.assign(to->tag()) || !d.remote_header.assign(resp.to))
        return Result<void>(Error::Malformed, "Dialog field too long");
    if (!collect_route_set(resp, true, d.route_set))
        return Result<void>(Error::Malformed, "Route set too long");
    return set_remote_target(d, resp);
}

void write_dialog_request(Writer& w, const Dialog& d, Method method, uint32_t cseq, Str via_sent_by, Str branch)
{
    write_request_line(w, method, d.remote_target.view());
    w.put("Via: SIP/2.0/UDP ").put(via_sent_by).put(";branch=").put(branch).put(";rport\r\n");
    w.put("Max-Forwards: 70\r\n");
    if (!d.route_set.empty())
        w.header("Route", d.route_set.view());
    w.header("From", d.local_header.view());
    w.header("To", d.remote_header.view());
    w.header("Call-ID", d.call_id.view());
    w.put("CSeq: ").put_uint(cseq).put(' ').put(method_name(method)).put("\r\n");
}

Endpoint dialog_next_hop(const Dialog& d, const Endpoint& fallback)
{
    Str target = d.remote_target.view();
    if (!d.route_set.empty()) {
        ListSplitter split(d.route_set.view());
        Str first;
        if (split.next(first)) {
            auto na = parse_name_addr(first);
            if (!na)
                return fallback;
            target = na->uri.text;
        }
    }
    auto uri = parse_uri(target);
    Ipv4Address addr;
    if (!uri || !uri->ipv4(addr))
        return fallback;
    return { addr, uri->port ? uri->port : uint16_t(5060) };
}

} // namespace oh::sip
