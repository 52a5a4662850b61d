// Client and server transaction state machines (RFC 3261 §17.1/§17.2, RFC 6026 §7-8) on UDP.
#include "sip/transaction.h"

#include "sip/builder.h"
#include "sip/headers.h"

namespace oh::sip {

namespace {

constexpr Nanoseconds k64T1 = 64 * kT1;
// INVITE client in Proceeding has no RFC timer; a far end that rang and then vanished must
// not pin a pool slot forever.
constexpr Nanoseconds kProceedingLimit = 300 * kNsPerSec;

// "host:port" key for the §17.2.3 sent-by comparison.
bool sent_by_key(const Via& via, FixedString<80>& out)
{
    char buf[80];
    Writer w(buf, sizeof buf);
    w.put(via.host).put(':').put_uint(via.port ? via.port : 5060);
    return w.ok() && out.assign(w.view());
}

uint32_t fnv1a(Str a, uint32_t h)
{
    for (char c : a)
        h = (h ^ uint8_t(c)) * 16777619u;
    return h;
}

// RFC 3261 §17.2.3: a branch that starts with the magic cookie is the transaction id. Without
// one (an RFC 2543 peer, RFC 4475 §3.4.1; or a bare cookie, §3.2.1) the id is made of the
// Request-URI, From tag, Call-ID, CSeq number and top Via, hashed into the branch slot. The To
// tag is left out so the ACK for a non-2xx (§17.1.1.3: same Request-URI, top Via and CSeq
// number) and a CANCEL (§9.1) meet their INVITE; the method is compared on its own.
void server_key(const Message& req, const Via& via, FixedString<64>& out)
{
    if (via.branch.size() > kBranchCookie.size() && via.branch.substr(0, kBranchCookie.size()) == kBranchCookie) {
        out.assign(via.branch.substr(0, FixedString<64>::capacity())); // longer ones: stored prefix
        return;
    }
    auto from = parse_name_addr(req.from);
    char cseq[12];
    Writer cw(cseq, sizeof cseq);
    cw.put_uint(req.cseq);
    const Str parts[] = { req.request_uri, from ? from->tag() : Str {}, req.call_id, cw.view(), req.top_via };
    uint32_t a = 2166136261u, b = 0x811c9dc5u ^ 0x5bd1e995u;
    for (Str p : parts) {
        a = fnv1a(p, a) * 31u;
        b = fnv1a(p, b ^ uint32_t(p.size()));
    }
    char buf[24];
    Writer w(buf, sizeof buf);
    w.put("rfc2543.").put_hex(a, 8).put_hex(b, 8);
    out.assign(w.view());
}

} // namespace

// A transaction that has already delivered its result and only lingers to absorb
// retransmissions over UDP (Timer D/K for clients, I/J for servers, RFC 3261 §17.1.1.2,
// §17.1.2.2, §17.2.1, §17.2.2). Giving one up early costs at most a re-sent ACK or response.
static bool lingering(const Transaction& tx)
{
    if (tx.state == TxState::Completed)
        return tx.is_client() || tx.kind == TxKind::NonInviteServer;
    return tx.state == TxState::Confirmed;
}

Transaction* TransactionLayer::allocate()
{
    Transaction* found = nullptr;
    for (auto& tx : m_pool) {
        if (tx.state == TxState::Free) {
            found = &tx;
            break;
        }
    }
    // Pool full of finished-but-lingering transactions (a busy minute of short calls and
    // registration refreshes): reuse the one whose linger ends soonest rather than fail a
    // new request.
    if (!found) {
        for (auto& tx : m_pool)
            if (lingering(tx) && (!found || tx.deadline < found->deadline))
                found = &tx;
        if (found)
            m_reclaimed++;
    }
    if (found) {
        found->state = TxState::Free;
        found->retransmit_at = found->deadline = found->interval = 0;
        found->status = 0;
        found->length = 0;
        found->branch.clear();
        found->sent_by.clear();
    }
    return found;
}

void TransactionLayer::send(Transaction& tx)
{
    if (tx.length)
        m_transport.send(tx.peer, tx.message());
}

size_t TransactionLayer::active() const
{
    size_t n = 0;
    for (auto& tx : m_pool)
        n += tx.state != TxState::Free;
    return n;
}

Result<Transaction*> TransactionLayer::start_client(std::span<const uint8_t> request, Method method, uint32_t cseq,
                                                    Str branch, const Endpoint& peer, uint8_t purpose, uint8_t slot)
{
    if (request.size() > kMaxSentMessageSize)
        return Result<Transaction*>(Error::NoSpace, "Request too large");
    Transaction* tx = allocate();
    if (!tx)
        return Result<Transaction*>(Error::NoMemory, "Transaction pool full");
    if (!tx->branch.assign(branch))
        return Result<Transaction*>(Error::InvalidArgument, "Branch too long");
    Nanoseconds now = m_clock.now_ns();
    tx->kind = method == Method::Invite ? TxKind::InviteClient : TxKind::NonInviteClient;
    tx->state = method == Method::Invite ? TxState::Calling : TxState::Trying;
    tx->method = method;
    tx->cseq = cseq;
    tx->purpose = purpose;
    tx->slot = slot;
    tx->peer = peer;
    copy_bytes(tx->buffer, request.data(), request.size());
    tx->length = uint16_t(request.size());
    tx->interval = kT1; // Timer A / Timer E start at T1
    tx->retransmit_at = now + kT1;
    tx->deadline = now + k64T1; // Timer B / Timer F
    send(*tx);
    return tx;
}

void TransactionLayer::send_ack_for_failure(Transaction& tx, const Message& response)
{
    // §17.1.1.3: the ACK copies Request-URI, top Via, Route, From, Call-ID and the CSeq
    // number of the INVITE, with the To of the response.
    Message invite;
    if (parse_message(tx.message(), Framing::Datagram, invite).is_error())
        return;
    Writer w(m_scratch);
    write_request_line(w, Method::Ack, invite.request_uri);
    w.header("Via", invite.top_via);
    for (const Header* h = invite.find(HeaderId::Route); h; h = invite.next(HeaderId::Route, h))
        w.header("Route", h->value);
    w.header("From", invite.from);
    w.header("To", response.to);
    w.header("Call-ID", invite.call_id);
    w.put("CSeq: ").put_uint(invite.cseq).put(" ACK\r\nMax-Forwards: 70\r\n");
    auto len = finish_message(w, "", "");
    if (!len)
        return;
    copy_bytes(tx.buffer, m_scratch, *len);
    tx.length = uint16_t(*len);
    send(tx);
}

Transaction* TransactionLayer::on_response(const Message& response, bool& deliver)
{
    deliver = false;
    const Via* via = response.via();
    if (!via || via->branch.empty())
        return nullptr;
    for (auto& tx : m_pool) {
        if (tx.state == TxState::Free || !tx.is_client() || tx.method != response.cseq_method
            || tx.branch.view() != via->branch)
            continue;
        client_response(tx, response, deliver);
        return &tx;
    }
    return nullptr;
}

void TransactionLayer::client_response(Transaction& tx, const Message& r, bool& deliver)
{
    Nanoseconds now = m_clock.now_ns();
    bool provisional = r.status < 200;
    deliver = false;
    if (tx.kind == TxKind::InviteClient) {
        if (tx.state == TxState::Calling || tx.state == TxState::Proceeding) {
            tx.status = r.status;
            tx.retransmit_at = 0;
            deliver = true;
            if (provisional) {
                tx.state = TxState::Proceeding;
                tx.deadline = now + kProceedingLimit;
            } else if (r.status < 300) {
                tx.state = TxState::Accepted; // RFC 6026 Timer M
                tx.deadline = now + k64T1;
            } else {
                tx.state = TxState::Completed;
                tx.deadline = now + kTimerD;
                send_ack_for_failure(tx, r);
            }
        } else if (tx.state == TxState::Completed && r.status >= 300) {
            send(tx); // the retransmitted final response gets our ACK again
        } else if (tx.state == TxState::Accepted && r.status >= 200 && r.status < 300) {
            deliver = true; // 2xx retransmissions go to the TU, which re-sends its ACK
        }
        return;
    }
    if (tx.state != TxState::Trying && tx.state != TxState::Proceeding)
        return; // Completed absorbs retransmitted finals
    tx.status = r.status;
    deliver = true;
    if (provisional) {
        tx.state = TxState::Proceeding;
        return;
    }
    tx.state = TxState::Completed;
    tx.retransmit_at = 0;
    tx.deadline = now + kT4; // Timer K
}

namespace {

// FNV-1a (32-bit) over Call-ID, a separator and the From tag.
uint32_t merge_key_of(const Message& req)
{
    uint32_t h = 2166136261u;
    auto mix = [&h](Str s) {
        for (char ch : s)
            h = (h ^ uint8_t(ch)) * 16777619u;
    };
    mix(req.call_id);
    mix(Str("\n", 1));
    if (auto from = parse_name_addr(req.from))
        mix(from->tag());
    return h;
}

} // namespace

bool TransactionLayer::merged(const Message& req, const Transaction& fresh) const
{
    uint32_t key = merge_key_of(req);
    for (const auto& tx : m_pool)
        if (&tx != &fresh && tx.state != TxState::Free && !tx.is_client() && tx.method == req.method
            && tx.cseq == req.cseq && tx.merge_key == key)
            return true;
    return false;
}

TransactionLayer::Verdict TransactionLayer::on_request(const Message& req, const Endpoint& source, Transaction*& out)
{
    out = nullptr;
    const Via* via = req.via();
    FixedString<80> key;
    if (!via || !sent_by_key(*via, key))
        return Verdict::New; // the UA rejects it; nothing to match
    Method match = req.method == Method::Ack ? Method::Invite : req.method;
    FixedString<64> id;
    server_key(req, *via, id);
    Str branch = id.view();
    for (auto& tx : m_pool) {
        if (tx.state == TxState::Free || tx.is_client() || tx.method != match || tx.branch.view() != branch
            || tx.sent_by.view() != key.view())
            continue;
        if (req.method == Method::Ack) {
            if (tx.state != TxState::Completed)
                return Verdict::New; // ACK for a 2xx: the UA core's business
            tx.state = TxState::Confirmed; // Timer I
            tx.retransmit_at = 0;
            tx.deadline = m_clock.now_ns() + kT4;
            return Verdict::Absorbed;
        }
        // A retransmitted request: repeat the last response, if any (Accepted stays quiet,
        // the UA core retransmits 2xx on its own timer).
        if (tx.state != TxState::Accepted && tx.state != TxState::Confirmed)
            send(tx);
        return Verdict::Absorbed;
    }
    if (req.method == Method::Ack)
        return Verdict::New;
    Transaction* tx = allocate();
    if (!tx)
        return Verdict::PoolFull;
    tx->kind = req.method == Method::Invite ? TxKind::InviteServer : TxKind::NonInviteServer;
    tx->state = req.method == Method::Invite ? TxState::Proceeding : TxState::Trying;
    tx->method = req.method;
    tx->cseq = req.cseq;
    tx->peer = source;
    tx->purpose = 0;
    tx->slot = 0;
    tx->branch.assign(branch);
    tx->sent_by.assign(key.view());
    tx->merge_key = merge_key_of(req);
    out = tx;
    return Verdict::New;
}

void TransactionLayer::respond(Transaction& tx, std::span<const uint8_t> response, uint16_t status)
{
    if (tx.state == TxState::Free || response.size() > kMaxSentMessageSize)
        return;
    Nanoseconds now = m_clock.now_ns();
    copy_bytes(tx.buffer, response.data(), response.size());
    tx.length = uint16_t(response.size());
    tx.status = status;
    send(tx);
    if (status < 200) {
        if (tx.kind == TxKind::NonInviteServer)
            tx.state = TxState::Proceeding;
        return;
    }
    if (tx.kind == TxKind::InviteServer && status < 300) {
        tx.state = TxState::Accepted; // RFC 6026 Timer L
        tx.deadline = now + k64T1;
    } else if (tx.kind == TxKind::InviteServer) {
        tx.state = TxState::Completed;
        tx.interval = kT1; // Timer G
        tx.retransmit_at = now + kT1;
        tx.deadline = now + k64T1; // Timer H
    } else {
        tx.state = TxState::Completed;
        tx.deadline = now + k64T1; // Timer J
    }
}

bool TransactionLayer::respond_from_provisional(Transaction& tx, uint16_t status, Str reason, Str extra, Str sdp)
{
    Message last;
    if (tx.kind != TxKind::InviteServer || parse_message(tx.message(), Framing::Datagram, last).is_error()
        || last.is_request)
        return false;
    Writer w(m_scratch);
    write_response_head(w, last, status, reason, {}, nullptr);
    w.put(extra);
    auto len = finish_message(w, "application/sdp", sdp);
    if (!len)
        return false;
    respond(tx, std::span<const uint8_t>(m_scratch, *len), status);
    return true;
}

Transaction* TransactionLayer::find_invite_for_cancel(const Message& cancel)
{
    const Via* via = cancel.via();
    FixedString<80> key;
    if (!via || !sent_by_key(*via, key))
        return nullptr;
    FixedString<64> id;
    server_key(cancel, *via, id);
    Str branch = id.view();
    for (auto& tx : m_pool)
        if (tx.state != TxState::Free && tx.kind == TxKind::InviteServer && tx.branch.view() == branch
            && tx.sent_by.view() == key.view())
            return &tx;
    return nullptr;
}

void TransactionLayer::fire(Transaction& tx, Nanoseconds now, TransactionEvents& events)
{
    if (tx.retransmit_at && now >= tx.retransmit_at) {
        send(tx);
        if (tx.kind == TxKind::InviteClient)
            tx.interval *= 2; // Timer A doubles without a cap
        else
            tx.interval = (tx.state == TxState::Proceeding || tx.interval * 2 > kT2) ? kT2 : tx.interval * 2;
        tx.retransmit_at = now + tx.interval;
    }
    if (!tx.deadline || now < tx.deadline)
        return;
    bool failed = (tx.is_client() && (tx.state == TxState::Calling || tx.state == TxState::Trying
                                      || tx.state == TxState::Proceeding))
        || (tx.kind == TxKind::InviteServer && tx.state == TxState::Completed);
    if (failed)
        events.on_transaction_timeout(tx);
    tx.state = TxState::Free;
}

void TransactionLayer::poll(TransactionEvents& events)
{
    Nanoseconds now = m_clock.now_ns();
    for (auto& tx : m_pool)
        if (tx.state != TxState::Free)
            fire(tx, now, events);
}

Nanoseconds TransactionLayer::next_deadline() const
{
    Nanoseconds next = 0;
    for (auto& tx : m_pool) {
        if (tx.state == TxState::Free)
            continue;
        for (Nanoseconds t : { tx.retransmit_at, tx.deadline })
            if (t && (!next || t < next))
                next = t;
    }
    return next;
}

} // namespace oh::sip
