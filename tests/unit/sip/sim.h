// Test harness: a simulated lossy UDP network on a FakeClock, a registrar double with digest
// auth, and a recording listener, for driving SipUserAgent instances in-process.
#pragma once

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "lib/clock.h"
#include "lib/random.h"
#include "sip/builder.h"
#include "sip/digest.h"
#include "sip/headers.h"
#include "sip/message.h"
#include "sip/uri.h"
#include "sip/user_agent.h"
#include "test_util.h"

namespace sip_test {

using namespace oh;
using namespace oh::sip;
using oh::Endpoint;
using oh::Ipv4Address;
using oh::Nanoseconds;

inline uint64_t key(const Endpoint& e) { return (uint64_t(e.address.value) << 16) | e.port; }

class Node {
public:
    virtual void deliver(std::span<const uint8_t> data, const Endpoint& from) = 0;
    virtual void poll() = 0;
    virtual Nanoseconds next_wakeup() const = 0;
    virtual ~Node() = default;
};

struct NetStats {
    uint64_t sent = 0, dropped = 0, duplicated = 0, delivered = 0;
};

class SimNet {
public:
    SimNet(oh::FakeClock& clock, uint64_t seed) : m_clock(clock), m_rng(seed) { }

    // Loss/duplication in percent; each datagram gets a uniform delay in [min,max] ms, so
    // datagrams overtake each other (reordering).
    void set_impairment(unsigned loss, unsigned dup, unsigned min_ms, unsigned max_ms)
    {
        m_loss = loss;
        m_dup = dup;
        m_min_ms = min_ms;
        m_max_ms = max_ms;
    }
    void attach(const Endpoint& at, Node& node) { m_nodes[key(at)] = &node; }
    // Rewrite sources seen by `at`'s peers (a NAT in front of `inside`).
    void nat(const Endpoint& inside, const Endpoint& outside)
    {
        m_nat_out[key(inside)] = outside;
        m_nat_in[key(outside)] = inside;
    }

    void submit(const Endpoint& from, const Endpoint& to, std::span<const uint8_t> data)
    {
        m_stats.sent++;
        m_log.push_back({ m_clock.now_ns(), from, to, std::string(reinterpret_cast<const char*>(data.data()), data.size()) });
        if (m_rng.next_u32() % 100 < m_loss) {
            m_stats.dropped++;
            m_log.back().dropped = true;
            return;
        }
        int copies = 1;
        if (m_rng.next_u32() % 100 < m_dup) {
            copies = 2;
            m_stats.duplicated++;
        }
        Endpoint src = from, dst = to;
        if (auto it = m_nat_out.find(key(from)); it != m_nat_out.end())
            src = it->second;
        if (auto it = m_nat_in.find(key(to)); it != m_nat_in.end())
            dst = it->second;
        for (int i = 0; i < copies; i++) {
            unsigned span = m_max_ms - m_min_ms + 1;
            Nanoseconds delay = (m_min_ms + m_rng.next_u32() % span) * oh::kNsPerMs;
            m_queue.push_back({ m_clock.now_ns() + delay, m_order++, src, dst,
                                std::vector<uint8_t>(data.begin(), data.end()) });
        }
    }

    // Advance simulated time to `until`, delivering datagrams and firing timers in order.
    void run_until(Nanoseconds until)
    {
        for (;;) {
            Nanoseconds next = until;
            for (auto& p : m_queue)
                next = std::min(next, p.at);
            for (auto& [k, n] : m_nodes) {
                Nanoseconds w = n->next_wakeup();
                if (w)
                    next = std::min(next, std::max(w, m_clock.now_ns()));
            }
            if (next > m_clock.now_ns())
                m_clock.set(next);
            bool did = false;
            for (size_t i = 0; i < m_queue.size();) {
                if (m_queue[i].at <= m_clock.now_ns()) {
                    Pending p = std::move(m_queue[i]);
                    m_queue.erase(m_queue.begin() + long(i));
                    if (auto it = m_nodes.find(key(p.to)); it != m_nodes.end()) {
                        m_stats.delivered++;
                        it->second->deliver(p.data, p.from);
                    }
                    did = true;
                } else {
                    i++;
                }
            }
            for (auto& [k, n] : m_nodes) {
                Nanoseconds w = n->next_wakeup();
                if (w && w <= m_clock.now_ns()) {
                    n->poll();
                    did = true;
                }
            }
            if (!did && m_clock.now_ns() >= until)
                return;
        }
    }
    void run_for(Nanoseconds d) { run_until(m_clock.now_ns() + d); }

    struct Logged {
        Nanoseconds at;
        Endpoint from, to;
        std::string text;
        bool dropped = false;
    };
    const std::vector<Logged>& log() const { return m_log; }
    void clear_log() { m_log.clear(); }
    const NetStats& stats() const { return m_stats; }

private:
    struct Pending {
        Nanoseconds at;
        uint64_t order;
        Endpoint from, to;
        std::vector<uint8_t> data;
    };
    oh::FakeClock& m_clock;
    oh::Xoshiro128 m_rng;
    unsigned m_loss = 0, m_dup = 0, m_min_ms = 1, m_max_ms = 1;
    uint64_t m_order = 0;
    std::vector<Pending> m_queue;
    std::map<uint64_t, Node*> m_nodes;
    std::map<uint64_t, Endpoint> m_nat_out, m_nat_in;
    std::vector<Logged> m_log;
    NetStats m_stats;
};

class NetPort final : public SipTransport {
public:
    NetPort(SimNet& net, Endpoint self) : m_net(net), m_self(self) { }
    void send(const Endpoint& to, std::span<const uint8_t> d) override { m_net.submit(m_self, to, d); }

private:
    SimNet& m_net;
    Endpoint m_self;
};

// Records what the user agent reports.
struct Recorder final : SipListener {
    struct Ended {
        CallId call;
        EndReason reason;
        uint16_t status;
    };
    std::vector<RegState> reg;
    std::vector<uint16_t> reg_status;
    std::vector<CallId> incoming;
    std::string last_from;
    std::vector<uint16_t> progress;
    std::vector<CallId> answered;
    std::vector<Ended> ended;
    std::vector<MediaSession> media;
    std::string dtmf;
    std::vector<uint16_t> dtmf_ms;

    void on_registration(RegState s, uint16_t st, Str) override
    {
        reg.push_back(s);
        reg_status.push_back(st);
    }
    void on_incoming_call(CallId c, Str, Str uri) override
    {
        incoming.push_back(c);
        last_from = std::string(std::string_view(uri));
    }
    void on_call_progress(CallId, uint16_t s) override { progress.push_back(s); }
    void on_call_answered(CallId c) override { answered.push_back(c); }
    void on_call_ended(CallId c, EndReason r, uint16_t s) override { ended.push_back({ c, r, s }); }
    void on_media(CallId, const MediaSession& m) override { media.push_back(m); }
    void on_dtmf(CallId, char d, uint16_t ms) override
    {
        dtmf += d;
        dtmf_ms.push_back(ms);
    }
};

// A SipUserAgent on the simulated network.
class Phone final : public Node {
public:
    Phone(SimNet& net, oh::FakeClock& clock, const SipConfig& cfg, uint64_t seed)
        : port(net, cfg.local), rng(seed), ua(cfg, port, clock, rng, rec)
    {
        net.attach(cfg.local, *this);
    }
    void deliver(std::span<const uint8_t> d, const Endpoint& from) override { ua.receive(d, from); }
    void poll() override { ua.poll(); }
    Nanoseconds next_wakeup() const override { return ua.next_wakeup(); }

    NetPort port;
    oh::Xoshiro128 rng;
    Recorder rec;
    SipUserAgent ua;
};

// Registrar double: digest auth (qop=auth, nonces that go stale after 32 s as Asterisk's),
// 423 below Min-Expires, bindings, Via received/rport. Stateless, but repeats its answer to
// a retransmitted request as a UAS transaction would.
class Registrar final : public Node {
public:
    Registrar(SimNet& net, oh::FakeClock& clock, Endpoint self) : m_net(net), m_clock(clock), m_self(self)
    {
        net.attach(self, *this);
    }
    void deliver(std::span<const uint8_t> d, const Endpoint& from) override
    {
        Message m;
        if (parse_message(d, Framing::Datagram, m).is_error() || validate_message(m).is_error() || !m.is_request)
            return;
        std::string tx_key = std::string(std::string_view(m.call_id)) + "/" + std::to_string(m.cseq) + "/"
            + std::string(std::string_view(m.top_via));
        if (auto it = m_answers.find(tx_key); it != m_answers.end()) {
            send(from, it->second);
            return;
        }
        if (m.method != Method::Register) {
            if (m.method == Method::Ack)
                return;
            m_answers[tx_key] = reply(m, from, 200, "");
            return;
        }
        registers++;
        m_answers[tx_key] = handle_register(m, from);
    }
    void poll() override { }
    Nanoseconds next_wakeup() const override { return 0; }

    std::map<std::string, std::string> passwords; // user -> password
    std::map<std::string, Endpoint> bindings;
    std::map<std::string, uint32_t> granted;
    uint32_t min_expires = 60;
    Nanoseconds nonce_lifetime = 32 * oh::kNsPerSec;
    bool silent = false;
    int registers = 0, challenges = 0, stale_challenges = 0, accepted = 0, auth_failures = 0;
    std::vector<std::string> authorizations;

private:
    struct Nonce {
        Nanoseconds issued;
        uint32_t last_nc;
    };

    std::string handle_register(const Message& m, const Endpoint& from)
    {
        if (silent)
            return {};
        auto to = parse_name_addr(m.to);
        std::string user(std::string_view(to ? to->uri.user : Str {}));
        const Header* auth = m.find(HeaderId::Authorization);
        bool stale = false;
        if (auth) {
            authorizations.emplace_back(std::string_view(auth->value));
            auto cred = parse_credentials(auth->value);
            auto it = cred ? m_nonces.find(std::string(std::string_view(cred->nonce))) : m_nonces.end();
            if (cred && it != m_nonces.end()) {
                uint32_t ncv = cred->nc.empty() ? 0 : uint32_t(std::stoul(std::string(std::string_view(cred->nc)), nullptr, 16));
                if (m_clock.now_ns() - it->second.issued > nonce_lifetime) {
                    stale = true;
                } else if (ncv > it->second.last_nc && passwords.count(user)
                           && verify_credentials(*cred, "REGISTER", passwords[user])
                           && cred->uri == m.request_uri) {
                    it->second.last_nc = ncv;
                    return accept(m, from, user);
                } else {
                    auth_failures++;
                }
            } else {
                stale = cred.has_value(); // an unknown nonce: ours expired long ago
            }
        }
        challenges++;
        stale_challenges += stale;
        std::string nonce = "n" + std::to_string(m_next_nonce++) + "x" + std::to_string(m_clock.now_ns() / 1000000);
        m_nonces[nonce] = { m_clock.now_ns(), 0 };
        std::string h = "WWW-Authenticate: Digest realm=\"offhook-test\", nonce=\"" + nonce +
            "\", qop=\"auth\", algorithm=MD5" + (stale ? ", stale=true" : "") + "\r\n";
        return reply(m, from, 401, h);
    }

    std::string accept(const Message& m, const Endpoint& from, const std::string& user)
    {
        Str contact = contact_uri(m);
        uint32_t expires = 3600;
        if (const Header* e = m.find(HeaderId::Expires))
            expires = parse_uint(e->value).value_or(3600);
        if (expires && expires < min_expires)
            return reply(m, from, 423, "Min-Expires: " + std::to_string(min_expires) + "\r\n");
        accepted++;
        auto uri = parse_uri(contact);
        Ipv4Address addr;
        if (expires == 0) {
            bindings.erase(user);
            return reply(m, from, 200, "");
        }
        if (uri && uri->ipv4(addr))
            bindings[user] = { addr, uri->port ? uri->port : uint16_t(5060) };
        granted[user] = expires;
        return reply(m, from, 200,
                     "Contact: <" + std::string(std::string_view(contact)) + ">;expires=" + std::to_string(expires) + "\r\n");
    }

    std::string reply(const Message& m, const Endpoint& from, uint16_t status, const std::string& extra)
    {
        char buf[2048];
        Writer w(buf, sizeof buf);
        write_response_head(w, m, status, {}, "regtag", &from);
        w.put(Str(extra));
        auto len = finish_message(w, "", "");
        std::string out(buf, len ? *len : 0);
        send(from, out);
        return out;
    }

    void send(const Endpoint& to, const std::string& s)
    {
        if (!s.empty())
            m_net.submit(m_self, to, bytes(s));
    }

    SimNet& m_net;
    oh::FakeClock& m_clock;
    Endpoint m_self;
    std::map<std::string, Nonce> m_nonces;
    std::map<std::string, std::string> m_answers;
    int m_next_nonce = 1;
};

inline SipConfig phone_config(const char* user, Endpoint local, Endpoint server)
{
    SipConfig c;
    c.server = server;
    c.domain = "192.0.2.1";
    c.user = Str(user, std::string_view(user).size());
    c.password = "secret";
    c.local = local;
    c.rtp_port = 4000;
    c.expires = 300;
    return c;
}

} // namespace sip_test
