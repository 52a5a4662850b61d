// SIP serializer (RFC 3261 §7, §8.2.6): builds requests and responses into caller buffers.
#include "sip/builder.h"

#include "sip/headers.h"
#include "sip/uri.h"

namespace oh::sip {

void write_request_line(Writer& w, Method method, Str uri)
{
    w.put(method_name(method)).put(' ').put(uri).put(" SIP/2.0\r\n");
}

void write_via_with_source(Writer& w, Str element, const Endpoint& source)
{
    auto via = parse_via(element);
    if (!via) {
        w.put(element);
        return;
    }
    Ipv4Address host;
    bool same_host = parse_ipv4(via->host, host) && host == source.address;
    // Everything before the parameters stays as it was (a Via without any, as RFC 2543 peers
    // send, has an empty params view that points nowhere: RFC 4475 §3.4.1).
    w.put(via->params.empty() ? trim(element) : Str(element.data(), size_t(via->params.data() - element.data())));
    Str params = via->params;
    size_t i = 0;
    while (i < params.size()) {
        while (i < params.size() && params[i] == ';')
            i++;
        size_t start = i;
        while (i < params.size() && params[i] != ';')
            i++;
        Str item = trim(params.substr(start, i - start));
        if (item.empty())
            continue;
        size_t eq = find_char(item, '=');
        Str name = trim(item.substr(0, eq));
        if (ieq(name, "received"))
            continue; // replaced below
        if (ieq(name, "rport")) {
            w.put(";rport=").put_uint(source.port);
            continue;
        }
        w.put(';').put(item);
    }
    if (!same_host || via->has_rport)
        w.put(";received=").put_ipv4(source.address.value);
}

void write_response_head(Writer& w, const Message& req, uint16_t status, Str reason, Str to_tag,
                         const Endpoint* source)
{
    w.put("SIP/2.0 ").put_uint(status).put(' ').put(reason.empty() ? default_reason(status) : reason).put("\r\n");
    // Via headers are copied one for one (so the header count never grows); only the top
    // element is rewritten.
    for (const Header* h = req.find(HeaderId::Via); h; h = req.next(HeaderId::Via, h)) {
        if (h != req.find(HeaderId::Via) || !source) {
            w.header("Via", h->value);
            continue;
        }
        ListSplitter split(h->value);
        Str element;
        bool first = true;
        w.put("Via: ");
        while (split.next(element)) {
            if (first)
                write_via_with_source(w, element, *source);
            else
                w.put(", ").put(element);
            first = false;
        }
        w.put("\r\n");
    }
    // A 400 to a request that lacked From, To or Call-ID (RFC 4475 §3.3.1) copies only what
    // was there rather than invent values.
    if (!req.from.empty())
        w.header("From", req.from);
    if (!req.to.empty()) {
        w.put("To: ").put(req.to);
        if (status > 100 && !to_tag.empty()) {
            auto to = parse_name_addr(req.to);
            if (to && to->tag().empty())
                w.put(";tag=").put(to_tag);
        }
        w.put("\r\n");
    }
    if (!req.call_id.empty())
        w.header("Call-ID", req.call_id);
    w.put("CSeq: ").put_uint(req.cseq).put(' ').put(req.cseq_method_text).put("\r\n");
}

Result<size_t> finish_message(Writer& w, Str content_type, Str body)
{
    if (!body.empty())
        w.header("Content-Type", content_type);
    w.put("Content-Length: ").put_uint(body.size()).put("\r\n\r\n").put(body);
    if (!w.ok())
        return Result<size_t>(Error::NoSpace, "Message too large");
    return w.size();
}

} // namespace oh::sip
