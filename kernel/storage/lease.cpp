// The DHCP lease kept on the disk between boots (/lease.txt, one line of key=value words:
// `address=192.0.2.57 server=192.0.2.1`), so the next boot asks for the same address with
// INIT-REBOOT (RFC 2131 §3.2) instead of discovering one. The network thread reports leases
// without waiting: a small thread writes the file when a lease changes.
#include "kernel/storage/storage.h"

#include "kernel/console/console.h"
#include "kernel/sched/sched.h"
#include "lib/cmdline/cmdline.h"
#include "lib/format.h"
#include "lib/inet.h"
#include "net/config.h"

namespace oh::kernel {

namespace {

constexpr char kLeasePath[] = "/lease.txt";
constexpr size_t kLeaseFileMax = 128;

constinit Mutex s_pending_lock;
constinit Semaphore s_pending_kick(0);
constinit Ipv4Address s_pending_address;
constinit Ipv4Address s_pending_server;
constinit bool s_pending = false;
constinit bool s_writer_started = false;

void format_ip(char* out, size_t size, Ipv4Address a)
{
    format(out, size, "%u.%u.%u.%u", a.octet(0), a.octet(1), a.octet(2), a.octet(3));
}

void lease_writer(void*)
{
    Ipv4Address written_address, written_server;
    bool written = false;
    for (;;) {
        s_pending_kick.down();
        Ipv4Address address, server;
        {
            MutexGuard g(s_pending_lock);
            if (!s_pending)
                continue;
            s_pending = false;
            address = s_pending_address;
            server = s_pending_server;
        }
        if (written && address == written_address && server == written_server)
            continue; // a renewal of the same lease: nothing new to keep
        char text[kLeaseFileMax] = {};
        size_t n = 0;
        if (!address.is_unspecified()) {
            char a[16], s[16];
            format_ip(a, sizeof a, address);
            format_ip(s, sizeof s, server);
            n = format(text, sizeof text, "address=%s server=%s\n", a, s);
        }
        // An empty file: no lease to ask for (the last one was refused or lost).
        auto r = fs_write_file(kLeasePath, std::span(reinterpret_cast<const uint8_t*>(text), n), false);
        if (!r.is_error())
            r = fs_sync();
        if (r.is_error()) {
            printk("storage: cannot keep the DHCP lease in %s: %s\n", kLeasePath, r.error_info().text());
            continue;
        }
        written = true;
        written_address = address;
        written_server = server;
    }
}

} // namespace

bool storage_remembered_lease(Ipv4Address& address, Ipv4Address& server)
{
    if (!fs_mounted())
        return false;
    static char text[kLeaseFileMax + 1];
    auto n = fs_read_file(kLeasePath, std::span(reinterpret_cast<uint8_t*>(text), kLeaseFileMax));
    if (n.is_error() || *n == 0)
        return false;
    text[*n] = 0;
    // Trailing newline and any line ending are word separators for the parser.
    for (size_t i = 0; i < *n; i++)
        if (text[i] == '\n' || text[i] == '\r' || text[i] == '\t')
            text[i] = ' ';
    CommandLine words(std::string_view(text, *n));
    auto a = net::parse_ipv4_address(words.get_or("address", ""));
    auto s = net::parse_ipv4_address(words.get_or("server", "0.0.0.0"));
    if (a.is_error() || s.is_error() || a->is_unspecified() || a->is_broadcast() || a->is_multicast()) {
        printk("storage: %s holds no usable lease; ignored\n", kLeasePath);
        return false;
    }
    address = *a;
    server = *s;
    return true;
}

void storage_keep_lease(Ipv4Address address, Ipv4Address server)
{
    if (!fs_mounted())
        return;
    {
        MutexGuard g(s_pending_lock);
        s_pending_address = address;
        s_pending_server = server;
        s_pending = true;
    }
    // The first lease starts the writer (no thread on a boot that never gets one).
    if (!__atomic_exchange_n(&s_writer_started, true, __ATOMIC_ACQ_REL))
        thread_create("lease", lease_writer, nullptr, ThreadOptions {});
    s_pending_kick.up();
}

} // namespace oh::kernel
