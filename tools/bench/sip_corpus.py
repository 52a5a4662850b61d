#!/usr/bin/env python3
"""Writes the SIP seed corpora (tests/fuzz/corpus/sip_*/) and the benchmark corpus
(tools/bench/sip_corpus/): realistic messages as an Asterisk (chan_pjsip) PBX and small
phones exchange them. Run from the repository root: python3 tools/bench/sip_corpus.py"""
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SDP_OFFER = (
    "v=0\r\no=- 1843717351 1843717351 IN IP4 192.0.2.1\r\ns=Asterisk\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
    "m=audio 17170 RTP/AVP 0 8 3 111 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:3 GSM/8000\r\na=rtpmap:111 G726-32/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\na=ptime:20\r\na=maxptime:150\r\na=sendrecv\r\n")
SDP_ANSWER = (
    "v=0\r\no=- 42 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
    "m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n")

VIA_PBX = "Via: SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bKPj6c1b3a2e-8b1d-4c3a-9f4e-1a2b3c4d5e6f\r\n"
VIA_PHONE = "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK5c8f2a91d3e04b7a;rport\r\n"
FROM_PBX = "From: \"Reception\" <sip:1001@192.0.2.1>;tag=2f8a9c1e-4b3d-4e5f-a6b7-c8d9e0f1a2b3\r\n"
TO_PHONE = "To: <sip:1002@192.0.2.10>"
CID = "Call-ID: 7d3b9e2a-1c4f-4a8b-b5e6-f7a8b9c0d1e2\r\n"


def msg(start, headers, body=""):
    ct = "Content-Type: application/sdp\r\n" if body else ""
    return (start + "\r\n" + headers + ct + "Content-Length: %d\r\n\r\n" % len(body) + body).encode()


MESSAGES = {
    "invite": msg("INVITE sip:1002@192.0.2.10:5060 SIP/2.0",
                  VIA_PBX + FROM_PBX + TO_PHONE + "\r\n" +
                  "Contact: <sip:asterisk@192.0.2.1:5060>\r\n" + CID +
                  "CSeq: 21463 INVITE\r\nAllow: OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, INVITE, ACK, BYE, "
                  "CANCEL, UPDATE, PRACK, MESSAGE, REFER\r\nSupported: 100rel, timer, replaces, norefersub\r\n"
                  "Session-Expires: 1800\r\nMin-SE: 90\r\nP-Asserted-Identity: \"Reception\" <sip:1001@192.0.2.1>\r\n"
                  "Max-Forwards: 70\r\nUser-Agent: Asterisk PBX 20.5.0\r\n", SDP_OFFER),
    "trying": msg("SIP/2.0 100 Trying", VIA_PBX.replace("rport;", "rport=5060;received=192.0.2.1;") + FROM_PBX +
                  TO_PHONE + "\r\n" + CID + "CSeq: 21463 INVITE\r\nServer: Offhook\r\n"),
    "ringing": msg("SIP/2.0 180 Ringing", VIA_PBX + FROM_PBX + TO_PHONE + ";tag=9a8b7c6d5e4f3a2b\r\n" + CID +
                   "CSeq: 21463 INVITE\r\nContact: <sip:1002@192.0.2.10:5060>\r\nServer: Offhook\r\n"),
    "ok_sdp": msg("SIP/2.0 200 OK", VIA_PBX + FROM_PBX + TO_PHONE + ";tag=9a8b7c6d5e4f3a2b\r\n" + CID +
                  "CSeq: 21463 INVITE\r\nContact: <sip:1002@192.0.2.10:5060>\r\n"
                  "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, NOTIFY\r\nServer: Offhook\r\n", SDP_ANSWER),
    "ack": msg("ACK sip:1002@192.0.2.10:5060 SIP/2.0",
               VIA_PBX.replace("6c1b3a2e", "0d0e0f10") + FROM_PBX + TO_PHONE + ";tag=9a8b7c6d5e4f3a2b\r\n" + CID +
               "CSeq: 21463 ACK\r\nMax-Forwards: 70\r\n"),
    "bye": msg("BYE sip:1002@192.0.2.10:5060 SIP/2.0",
               VIA_PBX.replace("6c1b3a2e", "aabbccdd") + FROM_PBX + TO_PHONE + ";tag=9a8b7c6d5e4f3a2b\r\n" + CID +
               "CSeq: 21464 BYE\r\nReason: Q.850;cause=16\r\nMax-Forwards: 70\r\nUser-Agent: Asterisk PBX 20.5.0\r\n"),
    "register": msg("REGISTER sip:192.0.2.1 SIP/2.0",
                    VIA_PHONE + "Max-Forwards: 70\r\nFrom: <sip:1002@192.0.2.1>;tag=52a3bcb35b0d0b82\r\n"
                    "To: <sip:1002@192.0.2.1>\r\nCall-ID: 8e1f0c6a3b2d4e5f@192.0.2.10\r\nCSeq: 2 REGISTER\r\n"
                    "Contact: <sip:1002@192.0.2.10:5060>\r\nExpires: 600\r\n"
                    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, NOTIFY\r\nUser-Agent: Offhook\r\n"
                    "Authorization: Digest username=\"1002\", realm=\"asterisk\", nonce=\"1700000000/8c7d6e5f4a3b2c1d\", "
                    "uri=\"sip:192.0.2.1\", response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5, "
                    "cnonce=\"a1b2c3d4e5f60718\", qop=auth, nc=00000001, opaque=\"1234abcd\"\r\n"),
    "unauthorized": msg("SIP/2.0 401 Unauthorized",
                        VIA_PHONE.replace(";rport", ";rport=5060;received=192.0.2.10") +
                        "Call-ID: 8e1f0c6a3b2d4e5f@192.0.2.10\r\nFrom: <sip:1002@192.0.2.1>;tag=52a3bcb35b0d0b82\r\n"
                        "To: <sip:1002@192.0.2.1>;tag=z9hG4bK5c8f2a91d3e04b7a\r\nCSeq: 1 REGISTER\r\n"
                        "WWW-Authenticate: Digest realm=\"asterisk\",nonce=\"1700000000/8c7d6e5f4a3b2c1d\","
                        "opaque=\"1234abcd\",algorithm=MD5,qop=\"auth\"\r\nServer: Asterisk PBX 20.5.0\r\n"),
    "register_ok": msg("SIP/2.0 200 OK",
                       VIA_PHONE.replace(";rport", ";rport=5060;received=192.0.2.10") +
                       "Call-ID: 8e1f0c6a3b2d4e5f@192.0.2.10\r\nFrom: <sip:1002@192.0.2.1>;tag=52a3bcb35b0d0b82\r\n"
                       "To: <sip:1002@192.0.2.1>;tag=z9hG4bK5c8f2a91d3e04b7b\r\nCSeq: 2 REGISTER\r\n"
                       "Date: Mon, 23 Nov 2026 06:00:00 GMT\r\nContact: <sip:1002@192.0.2.10:5060>;expires=599\r\n"
                       "Expires: 600\r\nServer: Asterisk PBX 20.5.0\r\n"),
    "options": msg("OPTIONS sip:1002@192.0.2.10:5060 SIP/2.0",
                   VIA_PBX.replace("6c1b3a2e", "11223344") +
                   "From: <sip:1002@192.0.2.1>;tag=0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e\r\n"
                   "To: <sip:1002@192.0.2.10>\r\nContact: <sip:1002@192.0.2.1:5060>\r\n"
                   "Call-ID: 5e6f7a8b-9c0d-1e2f-3a4b-5c6d7e8f9a0b\r\nCSeq: 40123 OPTIONS\r\nMax-Forwards: 70\r\n"
                   "User-Agent: Asterisk PBX 20.5.0\r\n"),
    "info_dtmf": ("INFO sip:1002@192.0.2.10:5060 SIP/2.0\r\n" + VIA_PBX + FROM_PBX + TO_PHONE +
                  ";tag=9a8b7c6d5e4f3a2b\r\n" + CID + "CSeq: 21465 INFO\r\nContent-Type: application/dtmf-relay\r\n"
                  "Content-Length: 24\r\n\r\nSignal=5\r\nDuration=160\r\n").encode(),
    "folded_compact": ("INVITE sip:1002@[2001:db8::10];transport=udp SIP/2.0\r\nv: SIP/2.0/UDP [2001:db8::1]"
                       ";branch=z9hG4bKx\r\nf: \"A \\\"b\\\"\" <sip:a@b>\r\n ;tag=1\r\nt: sip:1002@x\r\n"
                       "i: abc\r\nCSeq: 1\r\n INVITE\r\nl: 0\r\n\r\n").encode(),
}


def write(dirname, name, data):
    d = os.path.join(ROOT, dirname)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    for name, data in MESSAGES.items():
        write("tests/fuzz/corpus/sip_message", name + ".sip", data)
    uris = ["sip:1002@192.0.2.10:5060", "sips:alice:pw@[2001:db8::1]:5061;transport=tls;lr?subject=hi",
            "sip:%61lice;x=y@example.com;maddr=224.2.0.1;ttl=16", "tel:+1-201-555-0123",
            "\"Bob\" <sip:bob@example.com>;tag=abc", "SIP/2.0/UDP 192.0.2.1:5060;rport=1;received=1.2.3.4;branch=z9hG4bK1"]
    for i, u in enumerate(uris):
        write("tests/fuzz/corpus/sip_uri", "uri%d" % i, u.encode())
    write("tests/fuzz/corpus/sip_sdp", "asterisk_offer", SDP_OFFER.encode())
    write("tests/fuzz/corpus/sip_sdp", "answer", SDP_ANSWER.encode())
    write("tests/fuzz/corpus/sip_sdp", "multi", (SDP_OFFER + "m=video 0 RTP/AVP 96\r\na=inactive\r\n").encode())
    for i, c in enumerate([
            "Digest realm=\"asterisk\",nonce=\"1700000000/8c7d\",opaque=\"1234\",algorithm=MD5,qop=\"auth\"",
            "Digest realm=\"r\", nonce=\"n\", stale=true, qop=\"auth,auth-int\", algorithm=MD5-sess",
            "Digest username=\"1002\", realm=\"asterisk\", nonce=\"n\", uri=\"sip:x\", "
            "response=\"0123456789abcdef0123456789abcdef\", cnonce=\"c\", qop=auth, nc=00000001"]):
        write("tests/fuzz/corpus/sip_digest", "auth%d" % i, c.encode())
    # UA fuzzer: records of [flags][len16][datagram]; the PBX calls, then hangs up.
    seq = b""
    for name in ("invite", "ack", "info_dtmf", "options", "bye"):
        data = MESSAGES[name]
        seq += bytes([2]) + struct.pack(">H", len(data)) + data
    write("tests/fuzz/corpus/sip_ua", "call", seq)
    write("tests/fuzz/corpus/sip_ua", "register", bytes([4]) + struct.pack(">H", len(MESSAGES["unauthorized"]))
          + MESSAGES["unauthorized"])


if __name__ == "__main__":
    main()
