#!/usr/bin/env python3
"""Start time (issue 11, item 3): kernel entry to the registrar's 200 OK, in the lab against
Kamailio, on QEMU's e1000e (82574L). The phone's clock is the guest's own (TSC since kernel
entry), and every boot's registration is checked on the wire (tshark: REGISTER answered 200 OK
to the phone). Several boots are made (five static, three with DHCP) and the bound is judged on
the fastest of them, with the median held to half as much again: the host only ever adds time
to a boot of a TCG guest (72-117 ms seen for the same static boot on an idle 2-core machine,
the spread in stages that do the same work every time: a first touch of guest RAM costing the
host 6 ms of huge-page compaction, port and MMIO exits waiting for QEMU's big lock), so the
fastest boot is the phone's own time plus the least host noise, and a phone that is late in
most boots still fails on the median.

- static_registered_in_100ms: `net=` a static address, `sip.server=` an address: REGISTER 200
  at most 100 ms after kernel entry (fastest boot; median at most 150 ms);
- dhcp_dns_registered_in_500ms: `net=dhcp`, `sip.server=` a name dnsmasq resolves, and a disk
  holding the lease of an earlier boot (INIT-REBOOT, RFC 2131 §4.3.2): at most 500 ms (fastest;
  median at most 750 ms);
- each boot's timeline ("boot: N ms ...") of the median boot is printed, so a regression shows
  where the time went.

Why e1000e: QEMU 7.2's e1000 (82540EM) model refuses every received frame for 1 s after each
write to RCTL (hw/net/e1000.c, set_rx_control arms flush_queue_timer), so on it no driver can
register sooner than ~1.05 s; its figure is printed for comparison (info), not judged.
Prints PASS/FAIL lines (prefix start/) and exits 0.
"""
import os
import re
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import hosttools  # noqa: E402
import netlab  # noqa: E402
from peers import kamailio  # noqa: E402

PHONE_IP = "192.0.2.10"
MKDISK = os.path.join(ROOT, "tools", "mkdisk.sh")


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} start/{name}{'' if ok else ': ' + str(detail)[:700]}", flush=True)


def boot_once(lab, cmdline, tag, nic="e1000e", disk=None):
    """One boot to registration. Returns (ms after kernel entry or None, the boot timeline,
    whether the wire shows a 200 OK to a REGISTER sent to the phone, the phone's address)."""
    pcap = os.path.join(lab.tmp, f"start-{tag}.pcap")
    ts = lab.ns_popen("tshark", "-q", "-i", lab.tap, "-f", "udp", "-w", pcap,
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    mark = lab.mark()
    extra = ["-boot", "d", "-drive", f"file={disk},format=raw,if=ide,bus=0,unit=0"] if disk else []
    lab.boot(cmdline, smp=2, nic=nic, extra=extra)
    m = lab.wait_for(r"phone: registered (\d+) ms after kernel entry", timeout=60, start=mark)
    a = lab.wait_for(r"net: address (\d+\.\d+\.\d+\.\d+)/", timeout=5, start=mark)
    time.sleep(1.0)  # the lease writer's turn, and the 200 onto the capture
    lab.send("poweroff")
    try:
        lab.qemu.wait(timeout=20)
    except subprocess.TimeoutExpired:
        lab.qemu.kill()
        lab.qemu.wait()
    ts.send_signal(signal.SIGINT)
    ts.wait(timeout=15)
    address = a.group(1) if a else None
    r = lab.ns("tshark", "-r", pcap, "-Y", f"sip.Status-Code == 200 && sip.CSeq.method == \"REGISTER\""
               f" && ip.dst == {address or PHONE_IP}", "-T", "fields", "-e", "frame.number", check=False, timeout=60)
    wire_ok = bool(r.stdout.strip())
    with lab.console_lock:
        lines = lab.console[mark:]
    timeline = [l for l in lines if l.startswith("boot: ") or "registered" in l]
    return (int(m.group(1)) if m else None), timeline, wire_ok, address


def judge(lab, name, bound_ms, cmdline, boots, disk=None):
    runs = [boot_once(lab, cmdline, f"{name}-{i}", disk=disk) for i in range(boots)]
    times = [r[0] for r in runs]
    wires = [r[2] for r in runs]
    ok_runs = [r for r in runs if r[0] is not None]
    med = statistics.median(t if t is not None else 10 ** 9 for t in times)
    fastest = min(t if t is not None else 10 ** 9 for t in times)
    median_run = min(ok_runs, key=lambda r: abs(r[0] - med)) if ok_runs else None
    if median_run:
        print(f"info: {name}: the median boot's timeline:\n  " + "\n  ".join(median_run[1]), flush=True)
    print(f"info: {name}: registered {times} ms after kernel entry (fastest {fastest}, median {med}), "
          f"wire 200 OK {wires}", flush=True)
    result(name, all(wires) and None not in times and fastest <= bound_ms and med <= 1.5 * bound_ms,
           f"registered {times} ms after kernel entry, fastest {fastest} ms (bound {bound_ms}), median {med} ms "
           f"(bound {1.5 * bound_ms:.0f}); 200 OK to the phone on the wire: {wires}")
    return runs


def main():
    r = subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/kernel.elf", "userland"], capture_output=True, text=True)
    if r.returncode != 0:
        result("build", False, "kernel build failed: " + r.stderr[-300:])
        return 0
    missing = hosttools.missing("tshark", "dnsmasq", "kamailio", "mformat", "mtype")
    if missing:
        result("tools", False, missing)
        return 0
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        k = kamailio.Kamailio(lab.name, lab.tmp, users={"1000": "secret1000"})
        try:
            k.start()
            sip = "sip.user=1000 sip.password=secret1000"
            judge(lab, "static_registered_in_100ms", 100,
                  f"net={PHONE_IP}/24,gw={netlab.HOST_IP} sip.server={netlab.HOST_IP} {sip}", 5)

            img = os.path.join(lab.tmp, "disk.img")
            subprocess.run(["sh", MKDISK, img, "64"], check=True, capture_output=True)
            dhcp = f"net=dhcp sip.server={netlab.SIP_NAME} {sip}"
            first = boot_once(lab, dhcp, "dhcp-discover", disk=img)
            lease = subprocess.run(["mtype", "-i", img, "::/lease.txt"], capture_output=True, text=True).stdout
            print(f"info: first boot (discovery, dnsmasq pings the address before it answers): registered "
                  f"{first[0]} ms after kernel entry; /lease.txt {lease.strip()!r}", flush=True)
            if not re.search(r"address=\d+\.\d+\.\d+\.\d+", lease):
                result("dhcp_dns_registered_in_500ms", False, f"no lease kept on the disk after discovery: {lease!r}")
            else:
                judge(lab, "dhcp_dns_registered_in_500ms", 500, dhcp, 3, disk=img)

            e1000 = boot_once(lab, f"net={PHONE_IP}/24,gw={netlab.HOST_IP} sip.server={netlab.HOST_IP} {sip}",
                              "e1000", nic="e1000")
            print(f"info: on QEMU's e1000 (its 1 s receive hold after RCTL): registered {e1000[0]} ms after "
                  f"kernel entry", flush=True)
        finally:
            k.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
