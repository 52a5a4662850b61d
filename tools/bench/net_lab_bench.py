#!/usr/bin/env python3
"""Network benchmark (not a test), in the lab: ping round-trip median/p99 from the host to
the kernel, and UDP echo round trips per second (64-byte datagrams, one in flight).

Usage: tools/bench/net_lab_bench.py [PINGS] [UDP_SECONDS]   (QEMU/TCG; OFFHOOK_ACCEL=kvm)
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import netlab  # noqa: E402

PEER = os.path.join(HERE, "..", "..", "tests", "e2e", "labpeer.py")


def main():
    pings = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    seconds = sys.argv[2] if len(sys.argv) > 2 else "10"
    subprocess.run(["make", "-C", netlab.ROOT, "--no-print-directory", "build/kernel.elf", "userland"], check=True,
                   capture_output=True)
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        lab.boot("net=192.0.2.10/24,gw=192.0.2.1 net.echo=1", smp=2)
        if not lab.wait_for(r"net: address 192\.0\.2\.10", timeout=60):
            print("no address; console:", lab.console_text()[-500:])
            return 1
        ip = "192.0.2.10"
        lab.ns("ping", "-c", "5", "-W", "2", ip, check=False)  # ARP + warm-up
        p = lab.ns("ping", "-c", str(pings), "-i", "0.01", "-W", "2", ip, check=False, timeout=600)
        rtts = sorted(float(x) for x in re.findall(r"time=([\d.]+) ms", p.stdout))
        if rtts:
            print(f"ping: {len(rtts)}/{pings} replies, rtt median {rtts[len(rtts) // 2] * 1000:.0f} us, "
                  f"p99 {rtts[min(len(rtts) - 1, len(rtts) * 99 // 100)] * 1000:.0f} us, "
                  f"max {rtts[-1] * 1000:.0f} us")
        r = lab.ns(sys.executable, PEER, "udp-rate", ip, seconds, check=False, timeout=300)
        s = json.loads(r.stdout.strip().splitlines()[-1])
        print(f"udp echo: {s['per_second']:.0f} round trips/s (64-byte datagrams, one in flight), "
              f"rtt median {s['rtt_median_us']:.0f} us")
        print(f"host: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}, "
              f"accel {os.environ.get('OFFHOOK_ACCEL', 'tcg')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
