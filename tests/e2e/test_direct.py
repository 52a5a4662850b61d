#!/usr/bin/env python3
"""Calls without a PBX (issue: the phone refused to start without sip.server), in the lab:
the x86 phone booted with no sip.server (sip.user=1000 sip.trusted=192.0.2.1) and baresip on
192.0.2.1 not registered anywhere, calling each other by address.

- direct/no_registration: the phone says it runs for direct calls and sent no REGISTER (on
  the wire, the whole run);
- direct/baresip_calls_phone: baresip dials sip:1000@192.0.2.10, the console shows the ring,
  `answer`, baresip CALL_ESTABLISHED;
- direct/rtp_both_ways: the phone's `stats` counts RTP received, and baresip's recording holds
  the phone's 440 Hz tone (so both directions carried audio);
- direct/remote_hangup: baresip hangs up, the console says "call ended (remote hangup";
- direct/untrusted_refused: a second softphone on 192.0.2.2 (not in sip.trusted) calls: it is
  refused (the phone's untrusted_403 counter rises, the console shows no ring);
- direct/phone_calls_baresip: `dial sip:2000@192.0.2.1:5062` reaches baresip at that address
  (auto-answer), baresip CALL_ESTABLISHED, the INVITE on the wire went to 192.0.2.1:5062;
- direct/local_hangup: `hangup`: baresip CALL_CLOSED, console "call ended (local hangup".

A missing host tool is a FAIL naming its package. Prints PASS/FAIL direct/<name> lines.
"""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import hosttools  # noqa: E402
import netlab  # noqa: E402
from peers import audio, baresip  # noqa: E402

PHONE_IP = "192.0.2.10"
STRANGER_IP = "192.0.2.2"


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} direct/{name}{'' if ok else ': ' + str(detail)[:600]}", flush=True)


def stat(lab, key):
    mark = lab.mark()
    lab.send("stats")
    m = lab.wait_for(rf"stats: .*\b{key}=(\d+)", timeout=10, start=mark)
    return int(m.group(1)) if m else None


def main():
    gone = hosttools.missing("qemu-system-x86_64", "baresip", "tshark", "ip")
    if gone:
        result("phone", False, gone)
        return 0
    subprocess.run(["make", "-C", netlab.ROOT, "--no-print-directory", "build/kernel.elf", "userland"], check=True,
                   capture_output=True)
    with netlab.Lab() as lab:
        b = s = cap = None
        try:
            lab.ns("ip", "addr", "add", f"{STRANGER_IP}/24", "dev", lab.tap)
            b = baresip.Baresip(lab.name, lab.tmp, user="2000", domain="192.0.2.1", register=False,
                                auto_answer=True)
            b.start(timeout=20)
            s = baresip.Baresip(lab.name, lab.tmp, user="3000", domain=STRANGER_IP, local_ip=STRANGER_IP,
                                sip_port=5064, ctrl_port=4445, rtp_ports=(10100, 10198), register=False,
                                name="stranger")
            s.start(timeout=20)
            pcap = os.path.join(lab.tmp, "sip.pcap")
            cap = lab.ns_popen("tshark", "-q", "-i", lab.tap, "-f", "udp port 5060 or udp port 5062", "-w", pcap,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.5)
            lab.boot(f"net={PHONE_IP}/24,gw=192.0.2.1 sip.user=1000 sip.trusted=192.0.2.1 phone.tone=440 "
                     "rtp.ports=4000-4001", smp=2)
            ready = lab.wait_for(r"phone: no sip.server: direct calls only; taking calls from sip.trusted", timeout=60)
            time.sleep(2)
            if not ready:
                result("no_registration", False, lab.console_text()[-400:])
                return 0

            # 1. baresip calls the phone by its address; answered from the console.
            mark, bm = lab.mark(), b.mark()
            b.dial(f"sip:1000@{PHONE_IP}")
            ring = lab.wait_for(r"phone: incoming call from .*2000", timeout=20, start=mark)
            lab.send("answer")
            est = b.wait_event("CALL_ESTABLISHED", timeout=20, start=bm)
            result("baresip_calls_phone", ring is not None and est is not None,
                   f"ring={ring is not None} established={est is not None}; {lab.console_text()[-400:]!r}")
            if est is None:
                return 0
            time.sleep(6)
            received = stat(lab, "rtp_received")
            b.hangup()
            ended = lab.wait_for(r"phone: call ended \(remote hangup", timeout=15, start=mark)
            result("remote_hangup", ended is not None, lab.console_text()[-300:])
            time.sleep(1)
            rec = b.recording("dec")
            p = audio.tone_presence(rec, 440, tolerance=5) if rec else {"seconds": 0, "within_tolerance": False}
            result("rtp_both_ways", received is not None and received >= 200 and p["seconds"] >= 3
                   and p["within_tolerance"],
                   f"phone received {received} RTP packets in ~6 s; 440 Hz at baresip for {p['seconds']} s ({p})")

            # 2. A caller not in sip.trusted is refused.
            before = stat(lab, "untrusted_403") or 0
            mark, sm = lab.mark(), s.mark()
            s.dial(f"sip:1000@{PHONE_IP}")
            closed = s.wait_event("CALL_CLOSED", timeout=20, start=sm)
            after = stat(lab, "untrusted_403") or 0
            rang = re.search(r"phone: incoming call", "\n".join(lab.console[mark:])) is not None
            result("untrusted_refused", closed is not None and after > before and not rang,
                   f"stranger closed={closed is not None} untrusted_403 {before}->{after} rang={rang}")

            # 3. The phone calls baresip at its address and port.
            mark, bm = lab.mark(), b.mark()
            lab.send("dial sip:2000@192.0.2.1:5062")
            est = b.wait_event("CALL_ESTABLISHED", timeout=20, start=bm)
            ans = lab.wait_for(r"phone: call answered", timeout=20, start=mark)
            time.sleep(2)
            bm2 = b.mark()
            lab.send("hangup")
            closed = b.wait_event("CALL_CLOSED", timeout=15, start=bm2)
            ended = lab.wait_for(r"phone: call ended \(local hangup", timeout=15, start=mark)
            cap.send_signal(2)
            cap.wait(timeout=15)
            cap = None
            r = lab.ns("tshark", "-r", pcap, "-Y", f"sip.Method == \"INVITE\" && ip.src == {PHONE_IP}", "-T", "fields",
                       "-e", "ip.dst", "-e", "udp.dstport", check=False)
            dests = set(r.stdout.split("\n")) - {""}
            r = lab.ns("tshark", "-r", pcap, "-Y", f"sip.Method == \"REGISTER\" && ip.src == {PHONE_IP}", "-T",
                       "fields", "-e", "frame.number", check=False)
            registers = len(r.stdout.split())
            result("no_registration", registers == 0 and lab.wait_for(r"phone: registering", timeout=1) is None,
                   f"{registers} REGISTERs from the phone on the wire")
            result("phone_calls_baresip", est is not None and ans is not None and dests == {"192.0.2.1\t5062"},
                   f"established={est is not None} answered={ans is not None} INVITEs went to {dests}")
            result("local_hangup", closed is not None and ended is not None, lab.console_text()[-300:])
        finally:
            if cap:
                cap.terminate()
            for p in (b, s):
                if p:
                    p.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
