// Build-time sizes of the portable core's fixed pools (net/, sip/, sip/media/), one profile
// per kind of target, as lwIP's opt.h takes its defaults from lwipopts.h. The dispatch is
// here and nowhere else: the x86-64 kernel, unit tests and fuzzers get Full (the sizes the
// x86 e2e tests were tuned on); a build defining OH_SIZING_COMPACT (the ARMv7-M port) gets
// Compact, one call plus registration in <= 64 KiB of RAM (port/armv7m/README.md, Memory).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace oh::sizing {

struct Full {
    // net/stack.h: the pool is most of the stack's RAM (64 x 1514 bytes = 94.6 KiB): a SIP
    // message over UDP may be 65,535 bytes long (RFC 3261 §18.1.1, §18.3), 44 buffers when
    // reassembled, and the media sockets keep their share beside it.
    static constexpr size_t kPoolBuffers = 64;
    static constexpr size_t kArpQueueLimit = 4; // packets parked while their next hop resolves
    static constexpr size_t kUdpSockets = 8;
    static constexpr size_t kUdpQueueDepth = 4; // datagrams waiting per socket
    static constexpr size_t kPingsInFlight = 4;
    static constexpr size_t kPingReplies = 4;
    // net/ip_reassembly.h: SIP over UDP is the reason: INVITEs and 200 OKs with SDP can
    // exceed one Ethernet frame, and RFC 3261 §18.1.1 lets a UDP message be as long as IP
    // carries (65,515 payload bytes). 4 x 64 KiB, two per source.
    static constexpr size_t kReassemblySlots = 4;
    static constexpr size_t kReassemblyMaxPayload = 65536; // IP payload bytes, UDP header included
    static constexpr size_t kReassemblyPerSource = 2;
    static constexpr size_t kArpCacheEntries = 8;         // net/arp_cache.h
    static constexpr size_t kDnsQueries = 4;              // net/dns_resolver.h
    // sip/transaction.h: the largest SIP message received (parsed) and the largest one sent
    // (each transaction keeps its last message for retransmission).
    static constexpr size_t kMaxTransactions = 8;
    static constexpr size_t kMaxMessageSize = 65507;    // the largest UDP payload over IPv4
    // Sent: our responses copy the request's Via, From, To, Call-ID and Record-Route (RFC
    // 3261 §8.2.6.2), so a long request gets a long answer: RFC 4475 §3.1.1.7's longreq needs
    // a 2.7 kB 180. A longer one fails with NoSpace (and the peer retransmits in vain).
    static constexpr size_t kMaxSentMessageSize = 8192;
    static constexpr size_t kMaxHeaders = 64;           // sip/message.h: header lines parsed
    // sip/dialog.h: what a dialog keeps of the peer's headers, enough for RFC 4475 §3.1.1.7's
    // longreq (a 141-byte Call-ID, a 155-byte tag, a 570-byte From).
    static constexpr size_t kDialogCallId = 256;
    static constexpr size_t kDialogTag = 256;
    static constexpr size_t kDialogHeader = 768;
    static constexpr size_t kDialogTarget = 256;
    static constexpr size_t kDialogRouteSet = 1024;
    static constexpr size_t kMaxCalls = 2;                // sip/user_agent.h
    static constexpr size_t kGuardEntries = 16;           // sip/guard.h: sources tracked
    // sip/media/jitter_buffer.h: 256 ms of G.711 held, adaptive delay up to 200 ms.
    static constexpr uint32_t kJitterCapacity = 2048; // samples, a power of two
    static constexpr uint32_t kJitterMaxDelay = 1600;
};

// One call plus registration on a microcontroller (STM32F746G-DISCO: the whole phone in
// <= 64 KiB of RAM). Each size says why it is enough; `make arm-size` shows what it costs.
struct Compact : Full {
    // Sockets hold kPoolBuffers - kArpQueueLimit = 4 buffers: a SIP datagram of up to
    // kMaxMessageSize (2 buffers of 1514) and two RTP/RTCP packets in flight. The network
    // thread drains every socket on each wake-up, so a queue rarely holds more than one.
    static constexpr size_t kPoolBuffers = 6;
    // The phone talks to one next hop at a time (its gateway, or the PBX on the link); RFC
    // 1122 §2.3.2.2 asks for one parked packet per destination. 2 covers REGISTER + RTP.
    static constexpr size_t kArpQueueLimit = 2;
    // SIP, RTP and RTCP; the phone opens a fresh RTP/RTCP pair per call before closing the
    // old one (port/armv7m/app/phone.cpp rebind_media_ports), so 5.
    static constexpr size_t kUdpSockets = 5;
    static constexpr size_t kPingsInFlight = 1; // no shell on the board: only a self-test
    static constexpr size_t kPingReplies = 1;
    // One datagram in reassembly at a time: fragments come from the PBX back to back, and a
    // lost or forged fragment's slot is freed after kReassemblyProtectedAge/kReassemblyTimeout
    // while SIP retransmits (RFC 3261 §17.1.1.2). Large enough for kMaxMessageSize + the UDP
    // header, rounded up to the 256-byte granule of the reassembler's bitmap words.
    static constexpr size_t kReassemblySlots = 1;
    static constexpr size_t kReassemblyMaxPayload = 2304;
    static constexpr size_t kReassemblyPerSource = 1;
    // Gateway, PBX, DNS server and the media peer, when each is on the link.
    static constexpr size_t kArpCacheEntries = 4;
    // The phone resolves one name (sip.server), one query at a time.
    static constexpr size_t kDnsQueries = 1;
    // Registration (client, lingers Timer K), the call's INVITE server or client transaction
    // (lingers in Accepted, RFC 6026), one BYE/CANCEL/re-INVITE and one OPTIONS (Asterisk's
    // qualify). A full pool reclaims the oldest lingering one (TransactionLayer::reclaimed).
    static constexpr size_t kMaxTransactions = 4;
    // Received: what Asterisk (chan_pjsip) sends an endpoint, an INVITE with its SDP, is
    // 1-1.5 KiB. Longer requests are answered 513 Message Too Large from their first 2048
    // bytes (RFC 3261 §21.5.7); the x86 phone takes up to 65,507.
    static constexpr size_t kMaxMessageSize = 2048;
    static constexpr size_t kMaxHeaders = 40; // what an Asterisk INVITE carries is about 20
    // What Asterisk and Kamailio put in a dialog's identifiers is far shorter: Call-IDs of a
    // UUID, tags of 36 characters, From/To of 100-odd bytes, one or two Record-Routes.
    static constexpr size_t kDialogCallId = 96;
    static constexpr size_t kDialogTag = 96;
    static constexpr size_t kDialogHeader = 200;
    static constexpr size_t kDialogTarget = 160;
    static constexpr size_t kDialogRouteSet = 320;
    // Sent: RFC 3261 §18.1.1: a request larger than 1300 bytes when the path MTU is not known
    // MUST go over a congestion-controlled transport, which this phone does not have, so no
    // request of ours may be longer. Our responses copy the request's Via, From, To, Call-ID
    // and Record-Route: a 200 OK with SDP to an INVITE through Asterisk is about 1.1 KiB. A
    // longer one fails with NoSpace (and the peer retransmits its request in vain).
    static constexpr size_t kMaxSentMessageSize = 1300;
    static constexpr size_t kMaxCalls = 1;      // a second INVITE is answered 486 Busy Here
    static constexpr size_t kGuardEntries = 8;  // the PBX, the media peer and a few scanners
    // 128 ms held, adaptive delay up to 80 ms: a desk phone on a LAN or a PBX's network
    // (ITU-T G.114 puts the one-way budget at 150 ms; 80 ms of buffering leaves the rest for
    // the path and the codec). Saves 1.1 KiB; packets up to 64 ms (half the capacity) still fit.
    static constexpr uint32_t kJitterCapacity = 1024;
    static constexpr uint32_t kJitterMaxDelay = 640;
};

#if defined(OH_SIZING_COMPACT)
using Target = Compact;
#else
using Target = Full;
#endif

static_assert(Target::kPoolBuffers > Target::kArpQueueLimit, "sockets need a share of the pool");
static_assert(Target::kReassemblyMaxPayload % 256 == 0, "one bitmap word covers 256 payload bytes");
static_assert(Target::kReassemblyPerSource <= Target::kReassemblySlots);
static_assert(Target::kMaxSentMessageSize <= Target::kMaxMessageSize);

} // namespace oh::sizing
