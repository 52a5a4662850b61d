// SIP transaction layer (RFC 3261 §17, with RFC 6026's Accepted state) over a fixed pool.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/clock.h"
#include "lib/inet.h"
#include "lib/result.h"
#include "lib/sizing.h"
#include "sip/message.h"
#include "sip/text.h"

namespace oh::sip {

// The one way the core reaches the network: one UDP datagram to one endpoint.
class SipTransport {
public:
    virtual void send(const Endpoint& to, std::span<const uint8_t> datagram) = 0;

protected:
    ~SipTransport() = default;
};

// lib/sizing.h: the pool, the largest message parsed (receive buffers) and the largest one
// sent (what a transaction keeps for retransmission, and the composing scratch).
constexpr size_t kMaxTransactions = sizing::Target::kMaxTransactions;
constexpr size_t kMaxMessageSize = sizing::Target::kMaxMessageSize;
constexpr size_t kMaxSentMessageSize = sizing::Target::kMaxSentMessageSize;

// RFC 3261 §17.1.1.1 timer values for UDP.
constexpr Nanoseconds kT1 = 500 * kNsPerMs;
constexpr Nanoseconds kT2 = 4 * kNsPerSec;
constexpr Nanoseconds kT4 = 5 * kNsPerSec;
constexpr Nanoseconds kTimerD = 32 * kNsPerSec;

enum class TxKind : uint8_t { InviteClient, NonInviteClient, InviteServer, NonInviteServer };
enum class TxState : uint8_t { Free, Calling, Trying, Proceeding, Completed, Accepted, Confirmed };

struct Transaction {
    TxKind kind { TxKind::NonInviteClient };
    TxState state { TxState::Free };
    Method method { Method::Unknown };
    uint8_t purpose { 0 };     // what the transaction user started it for
    uint8_t slot { 0 };        // which call/registration it belongs to
    uint16_t status { 0 };     // last response seen (client) or sent (server)
    uint32_t cseq { 0 };
    FixedString<64> branch;
    FixedString<80> sent_by;   // server: top Via sent-by, part of the §17.2.3 key
    uint32_t merge_key { 0 };  // server: hash of Call-ID and From tag (§8.2.2.2)
    Endpoint peer;
    Nanoseconds retransmit_at { 0 }; // Timer A/E/G (0 = off)
    Nanoseconds interval { 0 };
    Nanoseconds deadline { 0 };      // Timer B/F/H/D/K/I/J/L/M
    uint16_t length { 0 };
    uint8_t buffer[kMaxSentMessageSize]; // last message sent: request, ACK, or response

    bool is_client() const { return kind == TxKind::InviteClient || kind == TxKind::NonInviteClient; }
    std::span<const uint8_t> message() const { return { buffer, length }; }
};

// Told when a client transaction fails without a final response (Timer B/F) or a server
// INVITE transaction never got its ACK (Timer H).
class TransactionEvents {
public:
    virtual void on_transaction_timeout(Transaction& tx) = 0;

protected:
    ~TransactionEvents() = default;
};

class TransactionLayer {
public:
    TransactionLayer(SipTransport& transport, const Clock& clock) : m_transport(transport), m_clock(clock) { }

    // Sends a request and keeps it for retransmission. `branch` is the one in its top Via.
    Result<Transaction*> start_client(std::span<const uint8_t> request, Method method, uint32_t cseq,
                                      Str branch, const Endpoint& peer, uint8_t purpose, uint8_t slot);

    // §17.1.3: the client transaction a response belongs to. Returns nullptr for strays.
    // `deliver` is false when the transaction absorbed it (a retransmitted final response).
    Transaction* on_response(const Message& response, bool& deliver);

    enum class Verdict : uint8_t { New, Absorbed, PoolFull };
    // §17.2.3: retransmissions and ACKs for non-2xx are absorbed here; a new request gets a
    // server transaction (ACK never does: it returns New with tx == nullptr).
    Verdict on_request(const Message& request, const Endpoint& source, Transaction*& tx);

    // §8.2.2.2 merged requests: true when `fresh` (a new server transaction for `req`, which
    // has no To tag) has the From tag, Call-ID and CSeq of another ongoing server transaction
    // that it did not match by §17.2.3, i.e. the same request reached us twice along two
    // paths (forked by a proxy). Compared through a 32-bit FNV-1a hash of Call-ID and From
    // tag, so a false match between two different requests with the same CSeq is 1 in 2^32.
    bool merged(const Message& req, const Transaction& fresh) const;

    // Sends a response on a server transaction and moves it along §17.2.1/§17.2.2.
    void respond(Transaction& tx, std::span<const uint8_t> response, uint16_t status);

    // A final response on an INVITE server transaction, built from the provisional it holds
    // (which carries the INVITE's Via, From, To-with-tag, Call-ID and CSeq), so the INVITE
    // itself need not be kept. `extra` is raw header lines.
    bool respond_from_provisional(Transaction& tx, uint16_t status, Str reason, Str extra, Str sdp);

    // The INVITE server transaction a CANCEL targets (§9.2: same branch and sent-by).
    Transaction* find_invite_for_cancel(const Message& cancel);

    void poll(TransactionEvents& events);
    Nanoseconds next_deadline() const;
    size_t active() const;
    // Lingering transactions given up early because the pool was full.
    uint32_t reclaimed() const { return m_reclaimed; }
    void release(Transaction& tx) { tx.state = TxState::Free; }

    Transaction* at(size_t index) { return index < kMaxTransactions ? &m_pool[index] : nullptr; }
    uint8_t index_of(const Transaction& tx) const { return uint8_t(&tx - m_pool); }

    // A shared scratch buffer for composing messages (ACKs here, requests in the UA).
    std::span<uint8_t> scratch() { return m_scratch; }

private:
    Transaction* allocate();
    void send(Transaction& tx);
    void send_ack_for_failure(Transaction& tx, const Message& response);
    void client_response(Transaction& tx, const Message& response, bool& deliver);
    void fire(Transaction& tx, Nanoseconds now, TransactionEvents& events);

    SipTransport& m_transport;
    const Clock& m_clock;
    Transaction m_pool[kMaxTransactions];
    uint8_t m_scratch[kMaxSentMessageSize];
    uint32_t m_reclaimed { 0 };
};

} // namespace oh::sip
