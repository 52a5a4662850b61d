#!/usr/bin/env python3
"""`make run` beside a PBX on the same machine, as a new user runs it (issue 16).

In a network namespace of its own (so its loopback is not the host's), Kamailio listens on
127.0.0.1:5060 as the user's PBX would, advertising 10.0.2.2 (the address the README tells
users QEMU's guest reaches this host's loopback at) in its Via and Record-Route, as a PBX
behind a NAT is configured (Asterisk: external_signaling_address). Then, with the README's command:

- run/port_taken_refused: `make run ... FORWARD=5060` stops before QEMU starts with a message
  that names the taken port (the PBX holds it), instead of QEMU's "Could not set up host
  forwarding rule";
- run/registers: `make run SIP_SERVER=10.0.2.2 SIP_USER=1000 SIP_PASSWORD=...` boots the phone
  with QEMU's user-mode network and no forwarding (the QEMU command line `make run` printed is
  checked), and Kamailio's log shows the REGISTER answered 200 from QEMU's NAT;
- run/incoming_call_answered: baresip (2000, on the lab address) calls 1000 through Kamailio;
  the INVITE reaches the phone over the flow its REGISTER opened, the phone answers, its RTP
  reaches baresip's media port through QEMU's NAT (tshark), and baresip's BYE ends the call.
"""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import hosttools  # noqa: E402
import netlab  # noqa: E402
from peers import baresip, kamailio, proc  # noqa: E402

USERS = {"1000": "secret1000", "2000": "secret2000"}


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} run/{name}{'' if ok else ': ' + str(detail)[-1200:]}", flush=True)


def make_run(lab, log, *vars):
    argv = ["make", "-C", ROOT, "--no-print-directory", "run", "SMP=2",
            "SIP_SERVER=10.0.2.2", "SIP_USER=1000", "SIP_PASSWORD=secret1000",
            "CMDLINE=sip.autoanswer=1 phone.tone=440", *vars]
    return proc.spawn(lab.name, argv, log)


def main():
    missing = hosttools.missing("kamailio", "baresip", "qemu-system-x86_64", "tshark", "ip")
    if missing:
        result("tools", False, missing)
        return 0
    if os.geteuid() != 0:
        print("SKIP run/all: needs root for its network namespace (CAP_NET_ADMIN)")
        return 0
    with netlab.Lab() as lab:
        k = kamailio.Kamailio(lab.name, lab.tmp, users=USERS, listen_ip="127.0.0.1", realm="10.0.2.2",
                              advertise="10.0.2.2", min_expires=10)
        k.start()
        try:
            # 1. A forward onto the PBX's own port is refused with its number, before QEMU.
            log1 = os.path.join(lab.tmp, "run-forward.log")
            p = make_run(lab, log1, "FORWARD=5060")
            try:
                rc = p.wait(timeout=300)
            except subprocess.TimeoutExpired:
                rc = None
            proc.stop(p)
            text = proc.read(log1)
            started_qemu = any(l.startswith("qemu-system-x86_64 ") for l in text.splitlines())
            result("port_taken_refused", rc not in (0, None) and "UDP port 5060 on this host is taken" in text
                   and not started_qemu and "Could not set up host forwarding" not in text, text[-800:])

            # 2. The README's command against the PBX on this machine: no forwarding at all.
            log2 = os.path.join(lab.tmp, "run.log")
            p = make_run(lab, log2)
            try:
                reg = proc.wait_log(log2, r"phone: registered \(200\)", timeout=240, proc=p)
                text = proc.read(log2)
                qemu_line = next((l for l in text.splitlines() if l.startswith("qemu-system-x86_64 ")), "")
                kam = k.log()
                nat_reg = re.search(r"REQ REGISTER .* from 127\.0\.0\.1:\d+", kam) is not None
                result("registers", reg is not None and "-netdev user" in qemu_line and "hostfwd" not in qemu_line
                       and nat_reg, f"qemu: {qemu_line[:300]!r}; console: {text[-400:]!r}; kamailio: {kam[-300:]!r}")

                # 3. A call to the phone through the PBX, answered, RTP back through the NAT. The
                # caller is baresip on another address of this machine (the lab's), as a softphone
                # on the LAN would be: the phone could not reach a 127.0.0.1 in its SDP (inside
                # QEMU that is the phone's own loopback).
                b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000",
                                    registrar="127.0.0.1", local_ip=netlab.HOST_IP)
                b.start()
                pcap = os.path.join(lab.tmp, "rtp.pcap")
                dump = proc.spawn(lab.name, ["tshark", "-i", "any", "-n", "-w", pcap, "-f",
                                             f"udp and dst host {netlab.HOST_IP} and dst portrange 10000-10098"],
                                  os.path.join(lab.tmp, "tshark.log"))
                proc.wait_log(os.path.join(lab.tmp, "tshark.log"), r"Capturing on", timeout=15, proc=dump)
                mark = len(proc.read(log2))
                bm = b.mark()
                b.dial("sip:1000@127.0.0.1")
                est = b.wait_event("CALL_ESTABLISHED", timeout=30, start=bm)
                answered = proc.wait_log(log2, r"phone: call answered", timeout=10, start=mark) is not None
                time.sleep(4)
                b.hangup()
                ended = proc.wait_log(log2, r"phone: call ended", timeout=15, start=mark) is not None
                proc.stop(dump)
                b.stop()
                r = subprocess.run(["tshark", "-r", pcap, "-n", "-T", "fields", "-e", "udp.srcport"],
                                   capture_output=True, text=True)
                rtp = len(r.stdout.split())
                # The phone sends 50 packets a second for the ~4 s baresip holds the call.
                result("incoming_call_answered", est is not None and answered and ended and rtp >= 150,
                       f"baresip established={est is not None}, phone answered={answered}, ended={ended}, "
                       f"RTP packets at baresip {rtp}; kamailio: {k.log()[-600:]}; console: {proc.read(log2)[-600:]}")
            finally:
                proc.stop(p)
        finally:
            k.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
