#!/usr/bin/env python3
"""ARM port end to end: the mps2-an500 image in qemu-system-arm on the lab's tap (netns +
dnsmasq from tools/netlab.py).

- arm/boot: the banner comes out of the CMSDK UART (vector table, reset, console);
- arm/dhcp: the LAN9118 + net::Stack get a lease from dnsmasq (dnsmasq logged the ACK to
  our MAC, and the console reports the address it handed out);
- arm/ping: the host pings the board 50 times with no loss;
- arm/udp_echo: RFC 862 echo on port 7 returns datagrams of 1..1472 bytes byte for byte;
- arm/audio_rt: the real-time 20 ms thread kept its period during all that: two successive
  500-frame reports arrive 10 s apart by the host's clock (the port's clock, a free-running
  timer, keeps real time), and what the port controls of each wake-up is judged whatever the
  host's load: the port splits each wake-up's lateness into the host's part (the guest took
  no tick at all for longer than a tick period: QEMU was not running it) and its own (the
  tick that woke it to the thread running: first tick past the deadline, PendSV, priority
  over the network thread). No wake-up may miss the first tick past its deadline, the switch
  must take at most 0.5 ms at p99 and the port's whole lateness 1.5 ms at p99, the waking
  tick's gap must be a 1 kHz tick at the median, and at most 2% of frames may be catch-ups
  after a stall. The old "at most 5% over 2 ms" figure is printed:
  from inside the guest it mixes QEMU's stalls with the port's lateness.
  Not caught: a port that masks interrupts for long is read as a host stall.
"""
import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import hosttools  # noqa: E402
import netlab  # noqa: E402

ELF = os.path.join(netlab.ROOT, "build", "arm", "offhook-mps2-an500.elf")
ARM_MAC = "52:54:00:0f:f0:a7"

PORT_REPORT = (r"audio-port: own lateness p50 (\d+) us p99 (\d+) us max (\d+) us; switch p50 (\d+) us "
               r"p99 (\d+) us; (\d+) missed ticks; waking tick gap p50 (\d+) us max (\d+) us; "
               r"(\d+) catch-up frames")
# A right port wakes the thread on the first tick past its deadline: a tick it lets pass
# (sleeping a tick too many, rounding the deadline up) is a missed tick, and there must be none.
# From that tick to the thread running is the PendSV switch ahead of the network thread, tens
# of us of emulated work: p99 within 0.5 ms leaves room for the host preempting QEMU inside
# that window on under 1% of the wake-ups (the tick gap cannot see a stall that late).
SWITCH_P99_US = 500
# Own lateness (the host's stalls taken out) is below a tick plus the switch by construction
# when the two parts above are right: 1 ms + the switch's bound.
OWN_P99_US = 1500
# The tick is 1 kHz: a coarser one (or one left unprogrammed until the next wrap) moves the
# median gap; host stalls only lengthen the few gaps they fall in.
TICK_GAP_P50_US = 1200
# Frames whose deadline had passed before they slept: only after a stall longer than a frame.
CATCH_UP_PERCENT = 2

UDP_ECHO = r"""
import socket, sys
ip = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
bad = 0
for n in list(range(1, 64)) + list(range(64, 1473, 97)) + [1472]:
    data = bytes((i * 7 + n) & 0xff for i in range(n))
    for attempt in range(3):
        s.sendto(data, (ip, 7))
        try:
            got, _ = s.recvfrom(2048)
            break
        except socket.timeout:
            got = None
    if got != data:
        bad += 1
        print("mismatch", n, None if got is None else len(got))
print("bad", bad)
"""


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} arm/{name}{'' if ok else ': ' + detail}", flush=True)


def boot_arm(lab):
    args = ["timeout", "300", "qemu-system-arm", "-M", "mps2-an500", "-kernel", ELF,
            "-nographic", "-monitor", "none", "-serial", "stdio",
            "-nic", f"tap,ifname={lab.tap},script=no,downscript=no,mac={ARM_MAC}"]
    lab.qemu = lab.ns_popen(*args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    threading.Thread(target=lab._reader, daemon=True).start()


def main():
    r = subprocess.run(["make", "-C", netlab.ROOT, "--no-print-directory", "-j2", "arm",
                        "CMDLINE=net=dhcp net.echo=1"], capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout[-2000:] + r.stderr[-2000:])
        result("build", False, "make arm failed")
        return 0
    gone = hosttools.missing("qemu-system-arm", "ip", "dnsmasq", "ping")
    if gone:
        result("boot", False, gone)
        return 0
    with netlab.Lab() as lab:
        lab.start_dnsmasq(rapid_commit=False)  # the classic four-message exchange, end to end
        boot_arm(lab)
        banner = lab.wait_for(r"Offhook ARMv7-M on mps2-an500", timeout=20)
        result("boot", banner is not None, f"no banner; console: {lab.console_text()[-400:]!r}")
        if not banner:
            return 0
        m = lab.wait_for(r"net: address (192\.0\.2\.\d+)/24 gw 192\.0\.2\.1", timeout=60)
        log = lab.dnsmasq_log()
        acked = m is not None and re.search(rf"DHCPACK\(\S+\) {re.escape(m.group(1))} {ARM_MAC}", log)
        result("dhcp", bool(acked), f"no lease; console: {lab.console_text()[-400:]!r} "
                                    f"dnsmasq: {log[-400:]!r}")
        if not m:
            return 0
        ip = m.group(1)

        p = lab.ns("ping", "-c", "50", "-i", "0.05", "-W", "2", ip, check=False, timeout=60)
        got = re.search(r"(\d+) received", p.stdout)
        result("ping", got is not None and got.group(1) == "50", (p.stdout + p.stderr)[-300:])

        e = lab.ns("python3", "-c", UDP_ECHO, ip, check=False, timeout=120)
        result("udp_echo", "bad 0" in e.stdout, (e.stdout + e.stderr)[-300:])

        mark = lab.mark()
        a1 = lab.wait_for(r"audio: (\d+) frames, (\d+) late", timeout=15, start=mark)
        t1 = time.time()
        a2 = lab.wait_for(r"audio: (\d+) frames, (\d+) late", timeout=15, start=lab.mark()) if a1 else None
        t2 = time.time()
        port = lab.wait_for(PORT_REPORT, timeout=5, start=mark) if a2 else None
        if a2 and port:
            frames = int(a2.group(1))
            p50, p99, own_max, sw50, sw99, missed, gap50, gap_max, catch_up = (int(x) for x in port.groups())
            print(f"info: {a2.group(0)}; {port.group(0)}; 500 frames in {t2 - t1:.2f} s of host time; "
                  f"host load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
            # Bounds on what the port controls (see the header): a 1 kHz tick, woken on the
            # first tick past the deadline, switched to at once.
            ok = (8.5 <= t2 - t1 <= 11.5 and missed == 0 and sw99 <= SWITCH_P99_US and p99 <= OWN_P99_US
                  and gap50 <= TICK_GAP_P50_US and catch_up * 100 <= frames * CATCH_UP_PERCENT)
            result("audio_rt", ok, f"{a2.group(0)}; {port.group(0)}; 500 frames took {t2 - t1:.2f} s; bounds: "
                                   f"no missed tick, switch p99 <= {SWITCH_P99_US} us, own p99 <= {OWN_P99_US} us, tick gap p50 <= "
                                   f"{TICK_GAP_P50_US} us, catch-up <= {CATCH_UP_PERCENT}%")
        else:
            result("audio_rt", False, "no two audio reports (with the port's lateness line) in 30 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
