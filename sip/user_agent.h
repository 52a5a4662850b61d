// The SIP user agent core: registration, calls, dialogs and admission, transport-agnostic.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/clock.h"
#include "lib/sizing.h"
#include "lib/inet.h"
#include "lib/random.h"
#include "lib/result.h"
#include "sip/dialog.h"
#include "sip/digest.h"
#include "sip/guard.h"
#include "sip/message.h"
#include "sip/sdp.h"
#include "sip/transaction.h"

namespace oh::sip {

constexpr size_t kMaxCalls = sizing::Target::kMaxCalls; // lib/sizing.h
using CallId = uint8_t;
constexpr CallId kNoCall = 0xff;

// Strings are views: the caller keeps them alive as long as the user agent (boot config).
struct SipConfig {
    Endpoint server;             // registrar / outbound proxy
    Str domain;                  // AOR domain ("pbx.example" or an IP)
    Str user;
    Str password;
    Str auth_user;               // digest username; empty = user
    Str display_name;
    Endpoint local;              // our signalling address (Via, Contact)
    uint16_t rtp_port { 4000 };  // our RTP port on local.address
    uint32_t expires { 600 };
    bool auto_answer { false };
    // Out-of-dialog requests go to `server` (an outbound proxy) unless false, in which case
    // to the Request-URI's IPv4 host.
    bool route_via_server { true };
    // INVITEs are taken from `server` and `trusted` only (others get 403) unless this is set:
    // a phone without a PBX that anyone on its network may call.
    bool accept_any_caller { false };
    Endpoint trusted[kMaxTrustedSources] {}; // besides `server`
    uint8_t trusted_count { 0 };
    Codec codecs[2] { Codec::Pcmu, Codec::Pcma };
    uint8_t codec_count { 2 };
    Str user_agent { "Offhook" };
    Nanoseconds keepalive_interval { 25 * kNsPerSec };
    Nanoseconds ring_timeout { 120 * kNsPerSec };
    GuardPolicy guard {};
};

enum class RegState : uint8_t { Unregistered, Registering, Registered, Failed };
enum class EndReason : uint8_t { LocalHangup, RemoteHangup, Rejected, Busy, Cancelled, Timeout, NotAcceptable, Error };

// What the phone layer hears. Views passed in are valid only during the call.
class SipListener {
public:
    virtual void on_registration(RegState state, uint16_t status, Str reason) = 0;
    virtual void on_incoming_call(CallId call, Str from_display, Str from_uri) = 0;
    virtual void on_call_progress(CallId call, uint16_t status) = 0; // 180 / 183
    virtual void on_call_answered(CallId call) = 0;
    virtual void on_call_ended(CallId call, EndReason reason, uint16_t status) = 0;
    virtual void on_media(CallId call, const MediaSession& media) = 0;
    virtual void on_dtmf(CallId call, char digit, uint16_t duration_ms) = 0;

protected:
    ~SipListener() = default;
};

enum class CallState : uint8_t {
    Idle,
    Calling,     // our INVITE is out
    Ringing,     // ... and a provisional came back
    Cancelling,  // we sent (or owe) a CANCEL
    Incoming,    // ringing here
    Answering,   // our 2xx is out, waiting for ACK
    Active,
    Ending,      // our BYE is out
};

struct AuthState {
    FixedString<64> realm;
    FixedString<128> nonce;
    FixedString<128> opaque;
    bool has_opaque { false };
    bool qop_auth { false };
    bool md5_sess { false };
    bool proxy { false };         // 407 (Proxy-Authorization) rather than 401
    bool valid { false };
    uint32_t nc { 0 };
    uint8_t fresh_tries { 0 };    // answers to fresh, non-stale challenges in a row
};

struct Call {
    CallState state { CallState::Idle };
    bool outgoing { false };
    bool have_provisional { false };
    bool cancel_owed { false };    // hang up before any provisional: CANCEL when one comes
    bool reinvite_pending { false };
    bool offer_in_ack { false };   // we offered in a 2xx, the answer comes in the ACK
    bool holding { false };
    uint8_t bye_attempts { 0 };
    uint8_t invite_tx { 0xff };    // server or client INVITE transaction index
    uint32_t invite_cseq { 0 };
    Dialog dialog;
    Endpoint peer;                 // where in-dialog requests go
    Endpoint origin;               // the INVITE's source (incoming) or first hop (outgoing)
    MediaSession media;
    bool has_media { false };
    LocalMedia local;
    FixedString<64> ack_branch;    // our ACK for 2xx is resent identically
    FixedString<600> answer_sdp;   // built when the INVITE arrives, sent on answer()
    Nanoseconds retransmit_at { 0 }; // 2xx retransmission (§13.3.1.4)
    Nanoseconds retransmit_interval { 0 };
    Nanoseconds give_up_at { 0 };
    Nanoseconds ring_until { 0 };
    Nanoseconds glare_retry_at { 0 }; // §14.1 491 back-off
    AuthState auth;
};

struct Registration {
    RegState state { RegState::Unregistered };
    bool unregistering { false };
    bool contact_rewritten { false };
    uint8_t failures { 0 };
    uint8_t interval_retries { 0 };
    uint32_t cseq { 0 };
    uint32_t expires { 0 };        // what we ask for
    uint32_t granted { 0 };
    FixedString<64> call_id;
    FixedString<32> from_tag;
    Endpoint contact;              // as the registrar sees us (rport/received)
    Endpoint stale_contact;        // the binding the rewrite replaced: removed by the next REGISTER
    bool remove_stale { false };
    Nanoseconds next_at { 0 };     // refresh or retry
    Nanoseconds bound_until { 0 }; // when the registrar forgets us without a refresh
    Nanoseconds keepalive_at { 0 };
    AuthState auth;
};

class SipUserAgent final : private TransactionEvents {
public:
    SipUserAgent(const SipConfig& config, SipTransport& transport, const Clock& clock, Random& random,
                 SipListener& listener);

    // A datagram from the network.
    void receive(std::span<const uint8_t> datagram, const Endpoint& source);
    // A datagram longer than the caller's receive buffer, `head` its first bytes: a request
    // is answered 513 Message Too Large (RFC 3261 §21.5.7) from what the head carries.
    void receive_oversized(std::span<const uint8_t> head, const Endpoint& source);
    // Run timers; call at least by next_wakeup().
    void poll();
    Nanoseconds next_wakeup() const; // 0 when no timer is running

    Result<void> start_register();
    Result<void> unregister();
    Result<CallId> dial(Str uri);
    Result<void> answer(CallId call);
    Result<void> hangup(CallId call);
    Result<void> hold(CallId call);
    Result<void> resume(CallId call);

    // The RTP port the next call's SDP offers or answers with (the phone draws one per call).
    void set_rtp_port(uint16_t port) { m_config.rtp_port = port; }

    RegState registration_state() const { return m_reg.state; }
    CallState call_state(CallId call) const { return call < kMaxCalls ? m_calls[call].state : CallState::Idle; }
    const MediaSession* media(CallId call) const;
    const GuardCounters& counters() const { return m_guard.counters(); }
    size_t active_transactions() const { return m_tx.active(); }

private:
    // ua_core.cpp
    void on_transaction_timeout(Transaction& tx) override;
    void handle_request(const Message& m, const Endpoint& source);
    void handle_response(const Message& m, Transaction* tx);
    void handle_out_of_dialog(const Message& m, Transaction& tx, const Endpoint& source);
    void reject_malformed(std::span<const uint8_t> datagram, const Endpoint& source, ErrorInfo why);
    void respond(Transaction& tx, const Message& req, uint16_t status, Str to_tag = {}, Str extra = {},
                 Str body = {});
    void respond_stateless(const Message& req, const Endpoint& to, uint16_t status, Str reason = {},
                           Str extra = {});
    void stateless_out_of_dialog(const Message& m, const Endpoint& source);
    void stateless_tag(const Message& req, FixedString<32>& out);
    void new_tag(FixedString<32>& out);
    void new_branch(char out[24]);
    void write_contact(Writer& w);
    Str sent_by(char buf[32]) const;
    Endpoint request_target(Str uri) const;
    bool write_credentials(Writer& w, AuthState& auth, Method method, Str uri);
    bool take_challenge(const Message& m, AuthState& auth);
    Transaction* tx_at(uint8_t index, TxKind kind, uint32_t cseq);

    // ua_screen.cpp: RFC 3261 §8.2.1-§8.2.3 checks in the RFC's order; 0 to go on, else the
    // status to refuse with (`extra` gets the header lines that status needs).
    uint16_t screen(const Message& m, Writer& extra) const;
    uint8_t tx_index(const Transaction* tx) const;

    // ua_register.cpp
    bool send_register(); // false: not sent (already reported as a failure)
    void registration_response(const Message& m);
    void registration_failed(uint16_t status, Str reason);
    bool learn_public_contact(const Message& m);
    void registration_timers(Nanoseconds now);

    // ua_call.cpp
    void incoming_invite(const Message& m, Transaction& tx, const Endpoint& source);
    void in_dialog_request(const Message& m, Transaction* tx, const Endpoint& source);
    void invite_response(Call& c, const Message& m, Transaction& tx);
    void reinvite_response(Call& c, const Message& m);
    uint16_t prepare_answer(Call& c, const Message& invite);
    void init_local_media(Call& c);
    void dialog_response(Call& c, const Message& m, Transaction& tx);
    void reinvite(Call& c, const Message& m, Transaction& tx);
    Result<void> send_invite(Call& c, bool initial);
    Result<void> send_in_dialog(Call& c, Method method, Str extra_headers = {}, Str body = {});
    void send_ack_2xx(Call& c);
    void send_cancel(Call& c);
    void send_2xx_again(Call& c);
    void end_call(Call& c, EndReason reason, uint16_t status, bool notify = true);
    void set_media(Call& c, const MediaSession& ms);
    void call_timers(Call& c, Nanoseconds now);
    void handle_info(Call& c, const Message& m);
    Call* find_call(const Message& m, bool as_uas);
    bool from_dialog_peer(const Call& c, const Endpoint& source) const;
    void refuse_foreign(const Message& m, const Endpoint& source);
    bool invite_names_us(const Message& m) const;
    CallId id_of(const Call& c) const { return CallId(&c - m_calls); }

    SipConfig m_config;
    SipTransport& m_transport;
    const Clock& m_clock;
    Random& m_random;
    SipListener& m_listener;
    TransactionLayer m_tx;
    SourceGuard m_guard;
    Registration m_reg;
    Call m_calls[kMaxCalls];
};

// What a transaction was started for (Transaction::purpose).
enum class Purpose : uint8_t { None, Register, Invite, ReInvite, Bye, Cancel, Other };

} // namespace oh::sip
