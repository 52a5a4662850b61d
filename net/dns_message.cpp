// DNS query building and response parsing (RFC 1035 §4.1, compression per §4.1.4).
#include "net/dns_message.h"

#include "lib/bytes.h"
#include "lib/text.h"

namespace oh::net {

namespace {

constexpr uint16_t kTypeA = 1;
constexpr uint16_t kTypeCname = 5;
constexpr uint16_t kClassIn = 1;

char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

std::string_view strip_trailing_dot(std::string_view name)
{
    if (!name.empty() && name.back() == '.')
        name.remove_suffix(1);
    return name;
}

bool same_name(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

struct Record {
    uint16_t name_offset;
    uint16_t type;
    uint16_t rdata_offset;
    uint16_t rdata_length;
    uint32_t ttl;
};

} // namespace

bool is_valid_dns_name(std::string_view name)
{
    name = strip_trailing_dot(name);
    if (name.empty() || name.size() > kDnsMaxNameText)
        return false;
    size_t label = 0;
    for (char c : name) {
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        // RFC 1123 §2.1 host names, plus '_' which service names use in practice.
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok || ++label > 63)
            return false;
    }
    return label != 0;
}

Result<size_t> write_dns_query(std::span<uint8_t> out, uint16_t id, std::string_view name)
{
    if (!is_valid_dns_name(name))
        return { Error::InvalidArgument, "bad host name" };
    name = strip_trailing_dot(name);
    size_t size = kDnsHeaderSize + name.size() + 2 + 4;
    if (out.size() < size)
        return Error::NoSpace;
    uint8_t* p = out.data();
    fill_bytes(p, 0, kDnsHeaderSize);
    store_be16(p, id);
    p[2] = 0x01; // RD: ask the server to recurse (RFC 1035 §4.1.1)
    store_be16(p + 4, 1);
    size_t i = kDnsHeaderSize;
    while (true) {
        size_t dot = find_char(name, '.');
        std::string_view label = Str(name).substr(0, dot);
        p[i++] = uint8_t(label.size());
        copy_bytes(p + i, label.data(), label.size());
        i += label.size();
        if (dot == kNpos)
            break;
        name = Str(name).substr(dot + 1);
    }
    p[i++] = 0;
    store_be16(p + i, kTypeA);
    store_be16(p + i + 2, kClassIn);
    return i + 4;
}

Result<uint16_t> dns_message_id(std::span<const uint8_t> m)
{
    if (m.size() < kDnsHeaderSize)
        return Error::NeedMore;
    return load_be16(m.data());
}

Result<size_t> read_dns_name(std::span<const uint8_t> m, size_t offset, char (&out)[kDnsMaxWireName + 1],
    size_t& out_length)
{
    size_t pos = offset;
    size_t end_of_name = 0; // where the name ends in place, set at the first pointer
    size_t wire_length = 0;
    out_length = 0;
    while (true) {
        if (pos >= m.size())
            return Error::NeedMore;
        uint8_t len = m[pos];
        if ((len & 0xc0) == 0xc0) {
            if (pos + 1 >= m.size())
                return Error::NeedMore;
            size_t target = size_t(len & 0x3f) << 8 | m[pos + 1];
            // Strictly backwards: every hop lowers pos, so the walk terminates.
            if (target >= pos)
                return { Error::Malformed, "forward compression pointer" };
            if (!end_of_name)
                end_of_name = pos + 2;
            pos = target;
            continue;
        }
        if (len & 0xc0)
            return { Error::Malformed, "extended label type" };
        if (len == 0) {
            if (!end_of_name)
                end_of_name = pos + 1;
            out[out_length] = 0;
            return end_of_name;
        }
        wire_length += len + 1;
        if (wire_length + 1 > kDnsMaxWireName)
            return { Error::Malformed, "name too long" };
        if (pos + 1 + len > m.size())
            return Error::NeedMore;
        if (out_length)
            out[out_length++] = '.';
        for (size_t i = 0; i < len; ++i)
            out[out_length++] = lower(char(m[pos + 1 + i]));
        pos += 1 + len;
    }
}

namespace {

Result<size_t> skip_question(std::span<const uint8_t> m, size_t offset, std::string_view name)
{
    char text[kDnsMaxWireName + 1];
    size_t length = 0;
    size_t pos = TRY(read_dns_name(m, offset, text, length));
    if (m.size() - pos < 4)
        return Error::NeedMore;
    if (load_be16(m.data() + pos) != kTypeA || load_be16(m.data() + pos + 2) != kClassIn
        || !same_name({ text, length }, name))
        return { Error::InvalidArgument, "not our question" };
    return pos + 4;
}

Result<size_t> read_record(std::span<const uint8_t> m, size_t offset, Record& r)
{
    char text[kDnsMaxWireName + 1];
    size_t length = 0;
    size_t pos = TRY(read_dns_name(m, offset, text, length));
    if (m.size() - pos < 10)
        return Error::NeedMore;
    const uint8_t* p = m.data() + pos;
    r.name_offset = uint16_t(offset);
    r.type = load_be16(p);
    uint16_t klass = load_be16(p + 2);
    r.ttl = load_be32(p + 4);
    r.rdata_length = load_be16(p + 8);
    r.rdata_offset = uint16_t(pos + 10);
    if (m.size() - pos - 10 < r.rdata_length)
        return Error::NeedMore;
    if (klass != kClassIn)
        r.type = 0; // another class: never matches
    return pos + 10 + r.rdata_length;
}

} // namespace

Result<DnsResponse> parse_dns_response(std::span<const uint8_t> m, std::string_view name)
{
    if (m.size() < kDnsHeaderSize)
        return Error::NeedMore;
    if (m.size() > 0xffff)
        return { Error::Malformed, "oversized message" };
    const uint8_t* p = m.data();
    DnsResponse r;
    r.id = load_be16(p);
    if (!(p[2] & 0x80) || ((p[2] >> 3) & 0x0f) != 0)
        return { Error::Malformed, "not a standard query response" };
    if (p[2] & 0x02)
        return { Error::Unsupported, "truncated (TC)" };
    r.rcode = p[3] & 0x0f;
    if (load_be16(p + 4) != 1)
        return { Error::Malformed, "question count" };
    size_t pos = TRY(skip_question(m, kDnsHeaderSize, strip_trailing_dot(name)));
    if (r.rcode != uint8_t(DnsRcode::NoError))
        return r;

    Record records[kDnsMaxAnswers];
    size_t count = 0;
    size_t answers = load_be16(p + 6);
    for (size_t i = 0; i < answers; ++i) {
        Record rec;
        pos = TRY(read_record(m, pos, rec));
        if (count < kDnsMaxAnswers)
            records[count++] = rec;
    }

    // RFC 1034 §3.6.2: follow CNAMEs from the question name; record order is not promised.
    char target[kDnsMaxWireName + 1];
    size_t target_length = 0;
    TRY(read_dns_name(m, kDnsHeaderSize, target, target_length));
    for (int hop = 0; hop <= kDnsMaxChain; ++hop) {
        const Record* cname = nullptr;
        for (size_t i = 0; i < count; ++i) {
            const Record& rec = records[i];
            char owner[kDnsMaxWireName + 1];
            size_t owner_length = 0;
            TRY(read_dns_name(m, rec.name_offset, owner, owner_length));
            if (!same_name({ owner, owner_length }, { target, target_length }))
                continue;
            if (rec.type == kTypeA) {
                if (rec.rdata_length != 4)
                    return { Error::Malformed, "A record length" };
                r.has_address = true;
                r.address = Ipv4Address(load_be32(p + rec.rdata_offset));
                r.ttl = rec.ttl;
                r.chain_length = uint8_t(hop);
                return r;
            }
            if (rec.type == kTypeCname && !cname)
                cname = &rec;
        }
        if (!cname)
            return r; // the chain ends without an address: NODATA
        size_t end = TRY(read_dns_name(m, cname->rdata_offset, target, target_length));
        if (end > size_t(cname->rdata_offset) + cname->rdata_length)
            return { Error::Malformed, "CNAME runs past its record" };
    }
    return { Error::Malformed, "CNAME chain too long" };
}

} // namespace oh::net
