#!/usr/bin/env python3
"""RTP takeover, end to end: baresip calls the phone through Kamailio and sends 1 kHz; during
the call a second address on the lab's 192.0.2.0/24 (and the peer's own address from another
port) sprays RTP in perfect sequence, with a 2.5 kHz tone, at the phone's media port, plus
RTCP at the RTCP port. Checked:

- rtp_port_random: the port is even, in 10000-20000 (rtp.ports default), and the next call
  gets another one;
- speaker_clean: the phone's speaker (QEMU's WAV) plays baresip's 1 kHz, and no 2.5 kHz;
- rejected_counted: `stats` shows the spray refused (socket, ring or session counters);
- peer_still_hears: baresip still records the phone's 440 Hz (media went nowhere else).

And SIP from the same attackers during the call (issue 14): a BYE carrying the call's Call-ID
and both tags (read off the wire) from the attacker and from the registrar's address on
another port, and an INVITE from the attacker:
- foreign_bye_refused: both BYEs get 403 and the call goes on (no end before baresip hangs
  up; the phone's foreign_403 counter counts them);
- untrusted_invite_refused: the INVITE gets 403 and the phone does not ring.

And fragments (issue 14): while the attacker floods forged first fragments (more-fragments set,
never completed) from its own address and 100 spoofed ones of the lab's /24, ~4,000 a second for 11 s,
so every reassembly slot always holds a young forged datagram, a caller outside the PBX's
domain sends a 4 KB INVITE through Kamailio, which forwards it to the phone in three
fragments:
- large_invite_answered: the phone parses all of it and answers 486 Busy Here (it is in a
  call), relayed back by Kamailio; without reassembly's preference for the registrar's
  fragments (ip_reassembly.h) the INVITE is never reassembled and gets no answer;
- fragment_flood_counted: `netstat` shows the forged datagrams refused or evicted.
"""
import math
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import netlab  # noqa: E402
from peers import audio, baresip, kamailio  # noqa: E402

PHONE_IP = "192.0.2.10"
ATTACKER_IP = "192.0.2.66"
USERS = {"1000": "secret1000", "2000": "secret2000"}

# Sprays RTP (PT 0, one SSRC, sequence +1 each packet, 2.5 kHz) from ATTACKER_IP and from the
# lab host's address on a port of its own, and RTCP RRs, for SECONDS.
SPRAY = r"""
import math, socket, struct, sys, time
phone, port, seconds, attacker, host = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
def ulaw(x):
    sign = 0x80 if x < 0 else 0
    x = min(abs(x), 32635) + 132
    exp = 7
    while exp > 0 and not (x & (0x4000 >> (7 - exp))):
        exp -= 1
    return ~(sign | (exp << 4) | ((x >> (exp + 3)) & 0x0f)) & 0xff
payload = bytes(ulaw(int(12000 * math.sin(2 * math.pi * 2500 * i / 8000))) for i in range(160))
socks = []
for addr in (attacker, host):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 0))
    socks.append(s)
rtcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rtcp.bind((attacker, 0))
seq, ts, sent, end = 1, 0, 0, time.time() + seconds
while time.time() < end:
    for s in socks:
        s.sendto(struct.pack("!BBHII", 0x80, 0, seq & 0xffff, ts, 0xbad) + payload, (phone, port))
        sent += 1
    seq += 1
    ts += 160
    if seq % 10 == 0:
        rtcp.sendto(struct.pack("!BBHI", 0x80, 201, 1, 0xbad), (phone, port + 1))
    time.sleep(0.004)
print("sent", sent)
"""

# SIP from ATTACKER_IP:5070 and the lab host's address on port 5099: a BYE with the call's
# Call-ID and tags from each, then an INVITE from the attacker; prints every status received.
SIP_ATTACK = r"""
import socket, sys, time
phone, attacker, host, call_id, from_tag, to_tag = sys.argv[1:7]
def bye(local, n):
    return (f"BYE sip:1000@{phone}:5060 SIP/2.0\r\nVia: SIP/2.0/UDP {local[0]}:{local[1]};branch=z9hG4bKatk{n}\r\n"
            f"Max-Forwards: 70\r\nFrom: <sip:2000@192.0.2.1>;tag={from_tag}\r\n"
            f"To: <sip:1000@192.0.2.1>;tag={to_tag}\r\nCall-ID: {call_id}\r\nCSeq: {900 + n} BYE\r\n"
            f"Content-Length: 0\r\n\r\n")
sdp = f"v=0\r\no=x 1 1 IN IP4 {attacker}\r\ns=-\r\nc=IN IP4 {attacker}\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n"
invite = (f"INVITE sip:1000@{phone}:5060 SIP/2.0\r\nVia: SIP/2.0/UDP {attacker}:5070;branch=z9hG4bKatkinv\r\n"
          f"Max-Forwards: 70\r\nFrom: <sip:evil@{attacker}>;tag=atk\r\nTo: <sip:1000@{phone}>\r\n"
          f"Call-ID: atk-invite-1\r\nCSeq: 1 INVITE\r\nContact: <sip:evil@{attacker}:5070>\r\n"
          f"Content-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n{sdp}")
socks = {}
for local in ((attacker, 5070), (host, 5099)):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(local)
    s.settimeout(0.2)
    socks[local] = s
for n, local in enumerate(socks):
    socks[local].sendto(bye(local, n).encode(), (phone, 5060))
socks[(attacker, 5070)].sendto(invite.encode(), (phone, 5060))
end = time.time() + 3
while time.time() < end:
    for local, s in socks.items():
        try:
            data = s.recv(4096).decode(errors="replace")
        except socket.timeout:
            continue
        first = data.split("\r\n", 1)[0]
        cseq = next((l for l in data.split("\r\n") if l.lower().startswith("cseq:")), "")
        print(f"{local[0]}:{local[1]} {first} | {cseq}", flush=True)
"""


# Forged first fragments (MF set, offset 0, random IDs, 1480 bytes: a UDP header to 5060 and
# junk) from the attacker's address and 100 spoofed ones, RATE a second for SECONDS.
FRAG_FLOOD = r"""
import os, socket, struct, sys, time
phone, attacker, seconds, rate = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)  # IP_HDRINCL implied
sources = [attacker] + [f"192.0.2.{n}" for n in range(100, 200)]
body = struct.pack("!HHHH", 40000, 5060, 4000, 0) + os.urandom(1472)
sent, start = 0, time.time()
while time.time() < start + seconds:
    src = sources[sent % len(sources)]
    ident = struct.unpack("!H", os.urandom(2))[0]
    # RFC 791 §3.1; Linux fills in the checksum of a raw IP_HDRINCL packet.
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), ident, 0x2000, 64, 17, 0,
                      socket.inet_aton(src), socket.inet_aton(phone))
    s.sendto(hdr + body, (phone, 0))
    sent += 1
    ahead = sent / rate - (time.time() - start)
    if ahead > 0:
        time.sleep(ahead)
print("fragments", sent)
"""

# A 4 KB INVITE from a caller outside the PBX's domain (Kamailio relays it without a
# challenge, tools/peers/kamailio.cfg.in), sent to Kamailio from the lab host's PORT; prints
# each status line received and ACKs a final answer (RFC 3261 §17.1.1.3).
BIG_INVITE = r"""
import socket, sys, time
host, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
CRLF = "\r\n"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((host, port))
s.settimeout(0.5)
lines = ["v=0", f"o=carrier 1 1 IN IP4 {host}", "s=-", f"c=IN IP4 {host}", "t=0 0",
         "m=audio 30000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"]
n = 0
while sum(len(l) + 2 for l in lines) < size - 300:  # ICE candidates, as WebRTC gateways send
    n += 1
    lines.append(f"a=candidate:{n} 1 UDP {2130706431 - n} 198.51.100.{n % 250 + 1} {20000 + n} typ host")
sdp = CRLF.join(lines) + CRLF
head = CRLF.join([f"INVITE sip:1000@{host} SIP/2.0", f"Via: SIP/2.0/UDP {host}:{port};branch=z9hG4bKbig1;rport",
                  "Max-Forwards: 70", "From: <sip:carrier@198.51.100.7>;tag=big1", f"To: <sip:1000@{host}>",
                  "Call-ID: big-invite-1@198.51.100.7", "CSeq: 1 INVITE", f"Contact: <sip:carrier@{host}:{port}>",
                  "Content-Type: application/sdp", f"Content-Length: {len(sdp)}", "", ""])
msg = (head + sdp).encode()
print("size", len(msg), flush=True)
end, sent_at, final = time.time() + 8, 0, None
while time.time() < end and not final:
    if time.time() - sent_at > 2:  # Timer A would do this for a real UA
        s.sendto(msg, (host, 5060))
        sent_at = time.time()
    try:
        data = s.recv(65535).decode(errors="replace")
    except socket.timeout:
        continue
    first = data.split(CRLF, 1)[0]
    print("got", first, flush=True)
    code = int(first.split()[1]) if first.startswith("SIP/2.0 ") else 0
    if code >= 200:
        final = data
if final:
    to = next(l for l in final.split(CRLF) if l.lower().startswith(("to:", "t:")))
    ack = CRLF.join([f"ACK sip:1000@{host} SIP/2.0", f"Via: SIP/2.0/UDP {host}:{port};branch=z9hG4bKbig1;rport",
                     "Max-Forwards: 70", "From: <sip:carrier@198.51.100.7>;tag=big1", to,
                     "Call-ID: big-invite-1@198.51.100.7", "CSeq: 1 ACK", "Content-Length: 0", "", ""])
    s.sendto(ack.encode(), (host, 5060))
"""


def netstat(lab):
    """The stack's non-zero counters, from the shell's netstat."""
    mark = lab.mark()
    lab.send("netstat")
    if not lab.wait_for(r"netstat: total_drops=", timeout=10, start=mark):
        return None
    with lab.console_lock:
        lines = list(lab.console[mark:])
    return {m.group(1): int(m.group(2)) for m in (re.match(r"\s*(\w+)\s+(\d+)\s*$", l) for l in lines) if m}


def dialog_ids(lab, pcap):
    """Call-ID, the caller's tag and the phone's tag from the phone's 200 OK to the INVITE."""
    r = lab.ns("tshark", "-r", pcap, "-Y", f"ip.src=={PHONE_IP} && sip.Status-Code==200 && sip.CSeq.method==INVITE",
               "-T", "fields", "-e", "sip.Call-ID", "-e", "sip.from.tag", "-e", "sip.to.tag", check=False)
    for line in r.stdout.splitlines():
        f = line.split("\t")
        if len(f) == 3 and all(f):
            return f
    return None


def sip_stats(lab):
    mark = lab.mark()
    lab.send("stats")
    m = lab.wait_for(r"stats: sip .*untrusted_403=(\d+) foreign_403=(\d+)", timeout=10, start=mark)
    return {"untrusted_403": int(m.group(1)), "foreign_403": int(m.group(2))} if m else None


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} rtp_guard/{name}{'' if ok else ': ' + str(detail)[:600]}", flush=True)


def main():
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        lab.ns("ip", "addr", "add", f"{ATTACKER_IP}/{netlab.PREFIX}", "dev", lab.tap)
        wav = os.path.join(lab.tmp, "phone-speaker.wav")
        k = kamailio.Kamailio(lab.name, lab.tmp, users=USERS, min_expires=10)
        k.start()
        b = None
        try:
            b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000", auto_answer=True)
            b.start(timeout=20)
            lab.boot(f"net={PHONE_IP}/24,gw=192.0.2.1,dns=192.0.2.1 sip.server=192.0.2.1 sip.user=1000 "
                     "sip.password=secret1000 sip.autoanswer=1 phone.tone=440", smp=2,
                     extra=["-device", "AC97,audiodev=snd", "-audiodev", f"wav,id=snd,path={wav}"])
            ports = lab.wait_for(r"phone: media on udp (\d+)/(\d+)", timeout=60)
            reg = lab.wait_for(r"phone: registered \(200\)", timeout=60)
            if not ports or not reg:
                result("boot", False, lab.console_text()[-500:])
                return 0
            port = int(ports.group(1))
            pcap = os.path.join(lab.tmp, "sip.pcap")
            ts = lab.ns_popen("tshark", "-q", "-i", lab.tap, "-f", "udp port 5060", "-w", pcap,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.5)
            mark = lab.mark()
            bm = b.mark()
            b.dial("sip:1000@192.0.2.1")
            est = b.wait_event("CALL_ESTABLISHED", timeout=20, start=bm)
            ans = lab.wait_for(r"phone: call answered", timeout=20, start=mark)
            time.sleep(0.5)
            ts.send_signal(signal.SIGINT)
            try:
                ts.wait(timeout=10)
            except subprocess.TimeoutExpired:
                ts.kill()
            if not est or not ans:
                result("call", False, lab.console_text()[-500:])
                return 0
            ids = dialog_ids(lab, pcap)
            time.sleep(0.5)
            spray = lab.ns_popen("python3", "-c", SPRAY, PHONE_IP, str(port), "6", ATTACKER_IP, netlab.HOST_IP,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            time.sleep(1)
            before = sip_stats(lab)
            amark = lab.mark()
            attack = lab.ns("python3", "-c", SIP_ATTACK, PHONE_IP, ATTACKER_IP, netlab.HOST_IP, *ids,
                            check=False, timeout=30) if ids else None
            after = sip_stats(lab)
            try:
                spray_out, _ = spray.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                spray.kill()
                spray_out, _ = spray.communicate()
            still_up = lab.wait_for(r"phone: call ended", timeout=0.5, start=mark) is None and \
                b.wait_event("CALL_CLOSED", timeout=0.5, start=bm) is None
            answers = attack.stdout.splitlines() if attack else []
            bye_403 = [a for a in answers if " 403 " in a and "BYE" in a]
            inv_403 = [a for a in answers if a.startswith(f"{ATTACKER_IP}:5070 SIP/2.0 403") and "INVITE" in a]
            rang = lab.wait_for(r"phone: incoming call", timeout=0.5, start=amark) is not None
            grew = lambda key: before and after and after[key] > before[key]  # noqa: E731
            result("foreign_bye_refused", ids is not None and len(bye_403) == 2 and still_up and grew("foreign_403"),
                   f"ids {ids}, answers {answers}, call still up {still_up}, stats {before} -> {after}")
            result("untrusted_invite_refused", len(inv_403) == 1 and not rang and grew("untrusted_403"),
                   f"answers {answers}, rang {rang}, stats {before} -> {after}")
            net_before = netstat(lab)
            # The flood outlasts the INVITE's whole life (sent 1.5 s in, Kamailio's fr_timer
            # answers 408 5 s later, the sender waits 8 s): an answer must come under fire.
            flood = lab.ns_popen("python3", "-c", FRAG_FLOOD, PHONE_IP, ATTACKER_IP, "11", "4000",
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            time.sleep(1.5)
            big = lab.ns("python3", "-c", BIG_INVITE, netlab.HOST_IP, "5097", "4096", check=False, timeout=30)
            under_fire = flood.poll() is None
            try:
                flood_out, _ = flood.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                flood.kill()
                flood_out, _ = flood.communicate()
            net_after = netstat(lab)
            big_lines = big.stdout.splitlines()
            size = next((int(l.split()[1]) for l in big_lines if l.startswith("size ")), 0)
            finals = [l for l in big_lines if l.startswith("got SIP/2.0 ") and int(l.split()[2]) >= 200]
            still_up = still_up and lab.wait_for(r"phone: call ended", timeout=0.5, start=mark) is None
            result("large_invite_answered", size >= 4000 and finals == ["got SIP/2.0 486 Busy Here"] and still_up
                   and under_fire, f"INVITE of {size} B; {big_lines} {big.stderr[-300:]}; call still up {still_up}; "
                   f"flood still running when answered {under_fire}")
            refused = lambda c: (c or {}).get("drop_ip_reassembly_busy", 0) + \
                (c or {}).get("drop_ip_reassembly_evicted", 0)  # noqa: E731
            print(f"info: {flood_out.strip()}; reassembly refused/evicted {refused(net_before)} -> "
                  f"{refused(net_after)}", flush=True)
            result("fragment_flood_counted", net_after is not None and refused(net_after) - refused(net_before) >= 1000,
                   f"{flood_out.strip()}; netstat {net_before} -> {net_after}")
            smark = lab.mark()
            lab.send("stats")
            st = lab.wait_for(r"stats: media rtp_port=(\d+) rejected_socket=(\d+) rejected_ring=(\d+) "
                              r"rejected_session=(\d+) held_in_probation=(\d+) source_latches=(\d+) "
                              r"rtcp_wrong_source=(\d+)", timeout=10, start=smark)
            b.hangup()
            lab.wait_for(r"phone: call ended", timeout=15, start=mark)
            nxt = lab.wait_for(r"phone: next call's media on udp (\d+)/", timeout=10, start=mark)
            rejected = sum(int(st.group(i)) for i in (2, 3, 4)) if st else 0
            print(f"info: {spray_out.strip()} packets sprayed at {port}; "
                  f"{st.group(0) if st else 'no stats line'}", flush=True)
            result("rtp_port_random", port % 2 == 0 and 10000 <= port < 20000 and nxt is not None
                   and int(nxt.group(1)) != port, f"port {port}, next {nxt.group(1) if nxt else None}")
            result("rejected_counted", st is not None and rejected >= 1000 and int(st.group(7)) == 0
                   and int(st.group(6)) == 0, st.group(0) if st else lab.console_text()[-300:])
            time.sleep(1)
            rec = b.recording("dec")
            p440 = audio.tone_presence(rec, 440, tolerance=5) if rec else {"seconds": 0}
            result("peer_still_hears", p440["seconds"] >= 5, f"440 Hz for {p440['seconds']} s")
            lab.send("poweroff")
            try:
                lab.qemu.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
            if os.path.exists(wav) and os.path.getsize(wav) > 44:
                good = audio.tone_presence(wav, 1000, tolerance=2)
                bad = audio.tone_presence(wav, 2500, tolerance=20)
                result("speaker_clean", good["seconds"] >= 6 and good["within_tolerance"] and bad["seconds"] == 0
                       and not bad["off_frequency"], f"1 kHz {good['seconds']} s, 2.5 kHz {bad}")
            else:
                result("speaker_clean", False, "no AC97 output WAV")
        finally:
            if b:
                b.stop()
            k.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
