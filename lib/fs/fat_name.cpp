// FAT short (8.3) names: packing, formatting, the long-name checksum [FAT §"FAT Long Directory Entries"].
#include "lib/fs/fat32.h"

namespace oh::fs {

namespace {

constexpr char upper(char c) { return (c >= 'a' && c <= 'z') ? char(c - 32) : c; }
constexpr char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; }

// Characters allowed in a short name [FAT §"Directory Structure", DIR_Name notes].
constexpr bool short_char_ok(char c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    for (char ok : std::string_view("$%'-_@~`!(){}^#&"))
        if (c == ok)
            return true;
    return false;
}

// Pack one part; `lower_flag` set when it is all lowercase, Unsupported for mixed case.
Result<bool> pack(std::string_view part, uint8_t* out, size_t width)
{
    if (part.size() > width)
        return Error::Unsupported;
    bool has_lower = false, has_upper = false;
    for (size_t i = 0; i < width; i++)
        out[i] = ' ';
    for (size_t i = 0; i < part.size(); i++) {
        char c = part[i];
        has_lower |= (c >= 'a' && c <= 'z');
        has_upper |= (c >= 'A' && c <= 'Z');
        if (!short_char_ok(upper(c)))
            return Error::Unsupported;
        out[i] = uint8_t(upper(c));
    }
    if (has_lower && has_upper)
        return Error::Unsupported; // needs a long name to keep its case
    return has_lower;
}

} // namespace

Result<void> make_short_name(std::string_view name, uint8_t out[11], uint8_t& nt_case)
{
    if (name.empty() || name == "." || name == "..")
        return Error::InvalidArgument;
    size_t dot = name.rfind('.');
    std::string_view base = dot == std::string_view::npos ? name : name.substr(0, dot);
    std::string_view ext = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
    if (base.empty() || (dot != std::string_view::npos && ext.empty()))
        return Error::Unsupported;
    bool base_lower = TRY(pack(base, out, 8));
    bool ext_lower = TRY(pack(ext, out + 8, 3));
    if (out[0] == 0xE5)
        out[0] = 0x05; // [FAT §DIR_Name]: 0xE5 as a first byte is stored as 0x05
    // Byte 12 case flags, as Windows NT and mtools write them.
    nt_case = uint8_t((base_lower ? 0x08 : 0) | (ext_lower ? 0x10 : 0));
    return {};
}

size_t format_short_name(const uint8_t raw[11], uint8_t nt_case, char* out)
{
    size_t n = 0;
    for (size_t i = 0; i < 8 && raw[i] != ' '; i++) {
        char c = char(i == 0 && raw[0] == 0x05 ? 0xE5 : raw[i]);
        out[n++] = (nt_case & 0x08) ? lower(c) : c;
    }
    if (raw[8] != ' ') {
        out[n++] = '.';
        for (size_t i = 8; i < 11 && raw[i] != ' '; i++)
            out[n++] = (nt_case & 0x10) ? lower(char(raw[i])) : char(raw[i]);
    }
    out[n] = 0;
    return n;
}

uint8_t lfn_checksum(const uint8_t raw[11])
{
    uint8_t sum = 0;
    for (size_t i = 0; i < 11; i++)
        sum = uint8_t(((sum & 1) << 7) + (sum >> 1) + raw[i]);
    return sum;
}

bool long_name_ok(std::string_view name)
{
    if (name.empty() || name.size() > kMaxNameBytes || name == "." || name == "..")
        return false;
    if (name.back() == '.' || name.back() == ' ')
        return false; // other systems drop these silently: refuse rather than mismatch
    for (char c : name) {
        uint8_t u = uint8_t(c);
        if (u < 0x20 || u >= 0x7f)
            return false; // ASCII only: long names are stored as UTF-16 code units
        for (char bad : std::string_view("\"*/:<>?\\|"))
            if (c == bad)
                return false;
    }
    return true;
}

void make_alias(std::string_view name, uint32_t n, uint8_t out[11])
{
    for (size_t i = 0; i < 11; i++)
        out[i] = ' ';
    size_t dot = name.rfind('.');
    if (dot == 0)
        dot = std::string_view::npos; // ".profile": all basis, no extension
    std::string_view base = dot == std::string_view::npos ? name : name.substr(0, dot);
    std::string_view ext = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
    char tail[8];
    size_t tail_len = 0;
    char digits[7];
    size_t nd = 0;
    for (uint32_t v = n % 1000000; nd == 0 || v; v /= 10)
        digits[nd++] = char('0' + v % 10);
    tail[tail_len++] = '~';
    while (nd)
        tail[tail_len++] = digits[--nd];
    size_t room = 8 - tail_len, used = 0;
    // Spaces and dots vanish; characters a short name cannot hold become '_'.
    for (char c : base) {
        if (used == room)
            break;
        if (c == ' ' || c == '.')
            continue;
        out[used++] = uint8_t(short_char_ok(upper(c)) ? upper(c) : '_');
    }
    if (used == 0)
        out[used++] = '_';
    for (size_t i = 0; i < tail_len; i++)
        out[used + i] = uint8_t(tail[i]);
    size_t e = 0;
    for (char c : ext) {
        if (e == 3)
            break;
        if (c == ' ' || c == '.')
            continue;
        out[8 + e++] = uint8_t(short_char_ok(upper(c)) ? upper(c) : '_');
    }
}

bool names_equal(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); i++)
        if (upper(a[i]) != upper(b[i]))
            return false;
    return true;
}

} // namespace oh::fs
