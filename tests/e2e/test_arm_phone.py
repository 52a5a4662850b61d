#!/usr/bin/env python3
"""The ARM port's phone end to end: the mps2-an500 image in qemu-system-arm on the lab's tap,
with real peers (Kamailio registrar/proxy with digest auth, baresip).

Run 1, static address, sip.server=192.0.2.1:
- arm/registered_digest: Kamailio challenged (CHALLENGE REGISTER 1000) and then registered
  1000 from the board's address, and the console says "phone: registered (200" (the phone
  core's wording, the same as on x86);
- arm/incoming_autoanswer: baresip (2000) calls 1000 through Kamailio, the port auto-answers
  (baresip CALL_ESTABLISHED, console "phone: call answered" and "media: rtp to");
- arm/rtp_timing: tshark on tap0 timestamps the port's RTP: sequence numbers without holes,
  a mean interval of 20 ms (+-0.5) and no gap longer than 60 ms, or than QEMU's own stall
  on a busy host (the longest time the guest took no tick, from the port's latency report)
  plus 40 ms: media runs in the network thread and must not add gaps of its own;
- arm/remote_hangup: baresip hangs up, baresip reports CALL_CLOSED and the console reports the
  call ended with the media counters (packets sent > 0);
- arm/sends_tone: baresip's received-audio recording holds the port's 440 Hz tone for most of
  the call (audio.tone_presence), so the far end really decoded what the port sent.

Run 3, driven only from the ARM console (UART0, receive by interrupt), auto-answer off:
- arm/console_dial: `dial 2000` calls baresip through Kamailio, the INVITE challenged
  (CHALLENGE INVITE 1000) and answered with credentials, baresip CALL_ESTABLISHED;
- arm/console_rtp_both_ways: on the wire, each direction carried at least 95 % of the RTP
  packets its span of time calls for (one per 20 ms);
- arm/console_tone: baresip's recording holds the port's 440 Hz tone;
- arm/console_dtmf: `dtmf 1234` reaches baresip as RFC 4733 events 1, 2, 3, 4;
- arm/console_local_hangup: `hangup`: baresip CALL_CLOSED, console "call ended (local hangup";
- arm/console_answer: baresip calls 1000, the console shows the incoming call and the port
  does not answer by itself (no 200 for 2 s); `answer`: baresip CALL_ESTABLISHED;
- arm/console_remote_hangup: baresip hangs up, console "call ended (remote hangup";
- arm/console_status: `status` reports the registration and the call.

Run 2, DHCP, sip.server=sip.lab.test (dnsmasq resolves it), sip.hangup=4:
- arm/dns_server: dnsmasq answered the board's query for sip.lab.test and Kamailio
  registered 1000 from the leased address;
- arm/local_hangup: baresip calls, the port answers and hangs up after 4 s by itself:
  baresip CALL_CLOSED, the console reports the ended call, and the tone reached baresip.

A missing host tool is a FAIL naming its package. Prints PASS/FAIL arm/<name> lines and always exits 0.
"""
import os
import re
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import hosttools  # noqa: E402
import netlab  # noqa: E402
from peers import audio, baresip, kamailio  # noqa: E402

ARM_MAC = "52:54:00:0f:f0:a8"
PORT_IP = "192.0.2.11"
TONE_HZ = 440
USERS = {"1000": "secret1000", "2000": "secret2000"}
SIP_COMMON = "sip.user=1000 sip.password=secret1000 sip.autoanswer=1 phone.tone=440 rtp.ports=4000-4001"
SIP_MANUAL = "sip.user=1000 sip.password=secret1000 phone.tone=440 rtp.ports=4000-4001"


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} arm/{name}{'' if ok else ': ' + str(detail)[:700]}", flush=True)


def build(cmdline, dest):
    """Builds the mps2-an500 image with `cmdline` baked in and copies it to `dest` (the
    shared build/arm/ output is rebuilt by every test that bakes a different line)."""
    r = subprocess.run(["make", "-C", netlab.ROOT, "--no-print-directory", "-j2",
                        "build/arm/offhook-mps2-an500.elf", f"CMDLINE={cmdline}"],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        print(r.stdout[-2000:] + r.stderr[-2000:])
        return None
    shutil.copy(os.path.join(netlab.ROOT, "build", "arm", "offhook-mps2-an500.elf"), dest)
    return dest


def boot_arm(lab, elf):
    args = ["timeout", "300", "qemu-system-arm", "-M", "mps2-an500", "-kernel", elf,
            "-nographic", "-monitor", "none", "-serial", "stdio",
            "-nic", f"tap,ifname={lab.tap},script=no,downscript=no,mac={ARM_MAC}"]
    lab.qemu = lab.ns_popen(*args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    threading.Thread(target=lab._reader, daemon=True).start()


def start_capture(lab, path):
    """tshark on tap0: UDP from the port's RTP socket (4000, pinned by rtp.ports=4000-4001), decoded as RTP."""
    return lab.ns_popen("timeout", "120", "tshark", "-i", lab.tap, "-l", "-f", "udp src port 4000",
                        "-d", "udp.port==4000,rtp", "-T", "fields", "-e", "frame.time_relative",
                        "-e", "rtp.seq", stdout=open(path, "w"), stderr=subprocess.DEVNULL)


def stop_capture(p):
    if p and p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()


def rtp_timing(path):
    """(packets, mean interval ms over the middle half, worst gap ms, gaps over 40 ms,
    sequence holes) from the tshark fields. The middle half: right after the answer a
    backlog of frames may go out in a burst when the emulator was descheduled."""
    rows = []
    for line in open(path):
        parts = line.split()
        if len(parts) == 2:
            rows.append((float(parts[0]), int(parts[1])))
    if len(rows) < 8:
        return len(rows), 0.0, 0.0, 0, 0
    gaps = [(b[0] - a[0]) * 1000 for a, b in zip(rows, rows[1:])]
    holes = sum(1 for a, b in zip(rows, rows[1:]) if (b[1] - a[1]) & 0xFFFF != 1)
    mid = rows[len(rows) // 4: 3 * len(rows) // 4]
    mean = (mid[-1][0] - mid[0][0]) * 1000 / (len(mid) - 1)
    return len(rows), mean, max(gaps), sum(1 for g in gaps if g > 40), holes


def tone_check(b, name):
    time.sleep(1)  # sndfile closes the dump when the call ends
    rec = b.recording("dec")
    if not rec:
        result(name, False, "baresip recorded nothing")
        return
    p = audio.tone_presence(rec, TONE_HZ, tolerance=5)
    ok = p["seconds"] >= 3 and p["within_tolerance"]
    result(name, ok, f"{TONE_HZ} Hz for {p['seconds']:.2f} s in {rec}; {p}")
    if ok:
        print(f"info: {TONE_HZ} Hz in baresip's recording: {p['seconds']:.2f} s, longest run "
              f"{p['longest']}, measured {p['frequency']:.1f} Hz, {len(p['runs'])} runs", flush=True)


def wait_registered(lab, k, kmark, ip_regex):
    """Console "registered (200" and, in Kamailio's log since `kmark`, a digest challenge
    for 1000 followed by REGISTERED 1000 from the board's address."""
    reg = lab.wait_for(r"phone: registered \(200", timeout=60)
    kreg = k.wait_log(rf"REGISTERED 1000 .*{ip_regex}", timeout=5, start=kmark) if reg else None
    log = k.log()[kmark:]
    challenge = log.find("CHALLENGE REGISTER 1000")
    registered = re.search(rf"\bREGISTERED 1000 .*{ip_regex}", log)
    in_order = challenge >= 0 and registered is not None and challenge < registered.start()
    return reg is not None and kreg is not None and in_order, \
        f"console={reg is not None} kamailio_registered={kreg is not None} challenge_first={in_order}; " \
        f"console: {lab.console_text()[-500:]!r}"


def call_from_baresip(lab, b):
    mark, bm = lab.mark(), b.mark()
    b.dial("sip:1000@192.0.2.1")
    est = b.wait_event("CALL_ESTABLISHED", timeout=20, start=bm)
    active = lab.wait_for(r"phone: call answered", timeout=20, start=mark)
    media = lab.wait_for(r"media: rtp to", timeout=5, start=mark)
    ok = est is not None and active is not None and media is not None
    return ok, mark, bm, f"established={est is not None} active={active is not None} " \
                         f"media={media is not None}; console: {lab.console_text()[-500:]!r}"


def run_static(tmp):
    elf = build(f"net={PORT_IP}/24,gw=192.0.2.1,dns=192.0.2.1 sip.server=192.0.2.1 {SIP_COMMON}",
                os.path.join(tmp, "static.elf"))
    if not elf:
        result("build", False, "make build/arm/offhook-mps2-an500.elf failed")
        return
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        k = kamailio.Kamailio(lab.name, lab.tmp, users=USERS, min_expires=10)
        b = None
        cap = None
        try:
            k.start()
            b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000")
            b.start(timeout=20)
            kmark = k.mark()
            boot_arm(lab, elf)
            if not lab.wait_for(r"Offhook ARMv7-M on mps2-an500", timeout=20):
                result("boot", False, f"no banner: {lab.console_text()[-400:]!r}")
                return
            ok, why = wait_registered(lab, k, kmark, re.escape(PORT_IP))
            result("registered_digest", ok, why)
            if not ok:
                return
            cap_path = os.path.join(lab.tmp, "rtp.txt")
            cap = start_capture(lab, cap_path)
            time.sleep(1.5)  # tshark needs a moment before it captures
            ok, mark, bm, why = call_from_baresip(lab, b)
            result("incoming_autoanswer", ok, why)
            if not ok:
                return
            time.sleep(8)
            b.hangup()
            closed = b.wait_event("CALL_CLOSED", timeout=10, start=bm)
            ended = lab.wait_for(r"phone: call ended", timeout=10, start=mark)
            sent = lab.wait_for(r"media: sent (\d+) packets, received (\d+)", timeout=1, start=mark)
            after = lab.mark()
            result("remote_hangup", closed is not None and ended is not None and sent is not None
                   and int(sent.group(1)) > 0,
                   f"closed={closed is not None} ended={ended is not None}; {lab.console_text()[-400:]!r}")
            if sent:
                print(f"info: port media counters: {sent.group(0)}", flush=True)
            stop_capture(cap)
            tone_check(b, "sends_tone")
            # The host's own stall, as the guest saw it: the longest interval in which it took
            # no tick at all (the port's latency report, every 500 frames). Not the audio
            # thread's worst wake-up: that includes the port's own lateness, and a late port
            # would widen its own allowance.
            a = lab.wait_for(r"audio-port: .*waking tick gap p50 \d+ us max (\d+) us.*", timeout=15, start=after)
            stall_ms = max(0.0, int(a.group(1)) / 1000 - 1) if a else 0.0
            if a:
                print(f"info: after the call: {a.group(0)}", flush=True)
            st = re.findall(r"audio: \d+ frames.*stack.*", lab.console_text())
            if st:
                print(f"info: {st[-1]}", flush=True)
            n, mean, worst, long_gaps, holes = rtp_timing(cap_path)
            print(f"info: RTP from the port on tap0: {n} packets, mean interval {mean:.2f} ms, "
                  f"worst gap {worst:.1f} ms, {long_gaps} gaps over 40 ms, {holes} sequence holes",
                  flush=True)
            # A gap on the wire may be as long as the emulator's own stall (then the frames are
            # worked off in a burst, never dropped) plus two frames; anything longer would be
            # the port's media path. Too few packets is the port not sending: a failure.
            allowed = max(60.0, stall_ms + 40)
            result("rtp_timing", n >= 300 and 19.5 <= mean <= 20.5 and worst <= allowed and holes == 0,
                   f"{n} packets, mean {mean:.2f} ms, worst gap {worst:.1f} ms (allowed {allowed:.0f}: "
                   f"host stall {stall_ms:.0f} ms), {holes} holes")
        finally:
            stop_capture(cap)
            if b:
                b.stop()
            k.stop()


def start_both_ways(lab, path):
    """tshark on tap0: every RTP packet from or to the port's RTP port 4000."""
    return lab.ns_popen("timeout", "120", "tshark", "-i", lab.tap, "-l", "-f", "udp port 4000",
                        "-T", "fields", "-e", "frame.time_relative", "-e", "udp.srcport", "-e", "udp.dstport",
                        "-e", "udp.length", stdout=open(path, "w"), stderr=subprocess.DEVNULL)


def both_ways(path):
    """Per direction: (packets, packets its span calls for at one per 20 ms). RTCP goes to
    port 4001, so this is RTP only: G.711 and, while a digit is sent, RFC 4733 events in
    its place (§2.5.1.2: one every 20 ms too)."""
    out = {}
    for line in open(path):
        f = line.split()
        if len(f) != 4:
            continue
        key = "from_port" if f[1] == "4000" else "to_port"
        out.setdefault(key, []).append(float(f[0]))
    res = {}
    for key, t in out.items():
        expected = int(round((t[-1] - t[0]) / 0.020)) + 1 if len(t) > 1 else 1
        res[key] = (len(t), expected)
    return res


def run_console(tmp):
    elf = build(f"net={PORT_IP}/24,gw=192.0.2.1,dns=192.0.2.1 sip.server=192.0.2.1 {SIP_MANUAL}",
                os.path.join(tmp, "console.elf"))
    if not elf:
        result("build", False, "make build/arm/offhook-mps2-an500.elf failed")
        return
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        k = kamailio.Kamailio(lab.name, lab.tmp, users=USERS, min_expires=10)
        b = None
        cap = None
        try:
            k.start()
            b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000", auto_answer=True)
            b.start(timeout=20)
            kmark = k.mark()
            boot_arm(lab, elf)
            ok, why = wait_registered(lab, k, kmark, re.escape(PORT_IP))
            if not ok:
                result("console_dial", False, "not registered: " + why)
                return
            cap_path = os.path.join(lab.tmp, "both.txt")
            cap = start_both_ways(lab, cap_path)
            time.sleep(1.5)
            # 1. The port calls baresip, typed on its console.
            mark, bm = lab.mark(), b.mark()
            kmark = k.mark()
            lab.send("dial 2000")
            est = b.wait_event("CALL_ESTABLISHED", timeout=20, start=bm)
            ans = lab.wait_for(r"phone: call answered", timeout=20, start=mark)
            challenged = "CHALLENGE INVITE 1000" in k.log()[kmark:]
            result("console_dial", est is not None and ans is not None and challenged,
                   f"established={est is not None} answered={ans is not None} challenged={challenged}; "
                   f"console: {lab.console_text()[-500:]!r}")
            if est is None:
                return
            time.sleep(4)
            smark = lab.mark()
            lab.send("status")
            st = lab.wait_for(r"status: registration registered \(200\), call active with 2000, \d+ s", timeout=10,
                              start=smark)
            result("console_status", st is not None, lab.console_text()[-300:])
            lab.send("dtmf 1234")
            digits = b.wait_dtmf("1234", timeout=15)
            result("console_dtmf", "1234" in digits, f"baresip reported {digits!r}")
            time.sleep(2)
            bm2 = b.mark()
            lab.send("hangup")
            closed = b.wait_event("CALL_CLOSED", timeout=15, start=bm2)
            ended = lab.wait_for(r"phone: call ended \(local hangup", timeout=15, start=mark)
            result("console_local_hangup", closed is not None and ended is not None, lab.console_text()[-400:])
            stop_capture(cap)
            counts = both_ways(cap_path)
            ok = len(counts) == 2 and all(n >= 0.95 * e and e >= 200 for n, e in counts.values())
            result("console_rtp_both_ways", ok, f"(packets, expected) per direction: {counts}")
            print(f"info: RTP of the console call, (packets, expected) per direction: {counts}", flush=True)
            tone_check(b, "console_tone")

            # 2. baresip calls the port; the console answers.
            mark, bm = lab.mark(), b.mark()
            b.dial("sip:1000@192.0.2.1")
            ring = lab.wait_for(r"phone: incoming call from .*2000", timeout=20, start=mark)
            time.sleep(2)
            early = b.wait_event("CALL_ESTABLISHED", timeout=0.1, start=bm)
            lab.send("answer")
            est = b.wait_event("CALL_ESTABLISHED", timeout=20, start=bm)
            ans = lab.wait_for(r"phone: call answered", timeout=20, start=mark)
            result("console_answer", ring is not None and early is None and est is not None and ans is not None,
                   f"ring={ring is not None} answered_by_itself={early is not None} established={est is not None} "
                   f"console answered={ans is not None}; {lab.console_text()[-400:]!r}")
            time.sleep(2)
            b.hangup()
            ended = lab.wait_for(r"phone: call ended \(remote hangup", timeout=15, start=mark)
            result("console_remote_hangup", ended is not None, lab.console_text()[-300:])
        finally:
            stop_capture(cap)
            if b:
                b.stop()
            k.stop()


def run_dns(tmp):
    elf = build(f"net=dhcp sip.server={netlab.SIP_NAME} sip.hangup=4 {SIP_COMMON}",
                os.path.join(tmp, "dns.elf"))
    if not elf:
        result("build", False, "make build/arm/offhook-mps2-an500.elf failed")
        return
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        k = kamailio.Kamailio(lab.name, lab.tmp, users=USERS, min_expires=10)
        b = None
        try:
            k.start()
            b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000")
            b.start(timeout=20)
            kmark = k.mark()
            boot_arm(lab, elf)
            lease = lab.wait_for(r"net: address (192\.0\.2\.\d+)/24", timeout=60)
            if not lease:
                result("dns_server", False, f"no lease: {lab.console_text()[-400:]!r}")
                return
            ok, why = wait_registered(lab, k, kmark, re.escape(lease.group(1)))
            queried = re.search(rf"query\[A\] {re.escape(netlab.SIP_NAME)} from {re.escape(lease.group(1))}",
                                lab.dnsmasq_log()) is not None
            result("dns_server", ok and queried, f"dnsmasq saw the query={queried}; {why}")
            if not ok:
                return
            ok, mark, bm, why = call_from_baresip(lab, b)
            if not ok:
                result("local_hangup", False, why)
                return
            closed = b.wait_event("CALL_CLOSED", timeout=15, start=bm)
            ended = lab.wait_for(r"phone: call ended", timeout=5, start=mark)
            result("local_hangup", closed is not None and ended is not None,
                   f"closed={closed is not None} ended={ended is not None}; {lab.console_text()[-400:]!r}")
            if closed is not None:
                tone_check(b, "local_hangup_tone")
        finally:
            if b:
                b.stop()
            k.stop()


def main():
    gone = hosttools.missing("qemu-system-arm", "kamailio", "baresip", "tshark", "dnsmasq", "ip")
    if gone:
        result("phone", False, gone)
        return 0
    tmp = netlab.tempfile.mkdtemp(prefix="ohl-arm-phone-")
    try:
        run_static(tmp)
        run_console(tmp)
        run_dns(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
