#!/usr/bin/env python3
"""Network end to end, in the lab (netns + tap + dnsmasq), against the kernel's e1000 path:

- the kernel gets its address from dnsmasq (and dnsmasq logged the ACK to our MAC);
- the host pings it 100 times with no loss;
- the kernel pings the host (shell `ping`), replies counted;
- the kernel resolves the lab's SIP name through dnsmasq three times (shell `resolve`), and
  on the wire (tshark) each query left from its own port of 49152-65535 with its own ID
  (RFC 5452 §9.2);
- the UDP echo service returns 1,000 datagrams of sizes 1..1472 byte for byte;
- a flood of malformed frames sent while pinging leaves it up and answering, and its drop
  counters (shell `netstat`) grew.
"""
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import netlab  # noqa: E402

PEER = os.path.join(HERE, "labpeer.py")


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} net/{name}{'' if ok else ': ' + detail}", flush=True)


def drops(lab):
    mark = lab.mark()
    lab.send("netstat")
    m = lab.wait_for(r"netstat: total_drops=(\d+)", timeout=10, start=mark)
    return int(m.group(1)) if m else None


def dns_queries(lab):
    capture = lab.ns_popen("timeout", "60", "tshark", "-i", lab.tap, "-l", "-f", "udp dst port 53",
                           "-T", "fields", "-e", "udp.srcport", "-e", "dns.id", "-e", "dns.qry.name",
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    time.sleep(2)  # tshark's capture is open before the first query leaves
    answers = []
    for _ in range(3):
        mark = lab.mark()
        lab.send(f"resolve {netlab.SIP_NAME}")
        m = lab.wait_for(rf"resolve: {re.escape(netlab.SIP_NAME)} (\S+)", timeout=20, start=mark)
        answers.append(m.group(1) if m else None)
    time.sleep(1)
    capture.terminate()
    try:
        out, _ = capture.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        capture.kill()
        out, _ = capture.communicate()
    queries = [line.split("\t") for line in out.splitlines() if netlab.SIP_NAME in line]
    result("dns_resolves", answers == [netlab.HOST_IP] * 3, f"answers {answers}")
    ports = [int(q[0]) for q in queries]
    ids = [int(q[1], 16) if q[1].startswith("0x") else int(q[1]) for q in queries]
    ok = len(queries) == 3 and len(set(ports)) == 3 and all(p >= 49152 for p in ports) and len(set(ids)) == 3
    print(f"info: DNS queries on the wire (source port, id): {list(zip(ports, ids))}", flush=True)
    result("dns_random_port_and_id", ok, f"queries on the wire (port, id): {list(zip(ports, ids))}")


def main():
    r = subprocess.run(["make", "-C", netlab.ROOT, "--no-print-directory", "build/kernel.elf", "userland"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout[-2000:] + r.stderr[-2000:])
        result("build", False, "kernel build failed")
        return 0
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        lab.boot("net=dhcp net.echo=1", smp=2)
        m = lab.wait_for(r"net: address (192\.0\.2\.\d+)/24 .*\(dhcp[,)]", timeout=60)
        ok = m is not None and "DHCPACK" in lab.dnsmasq_log() and netlab.GUEST_MAC in lab.dnsmasq_log()
        result("dhcp_lease", ok, f"no DHCP lease; console: {lab.console_text()[-600:]!r}")
        # RFC 4039: the lab's server commits at once, so the lease took one round trip: a
        # DISCOVER answered by the ACK, and no REQUEST from the guest.
        log = lab.dnsmasq_log()
        mac = re.escape(netlab.GUEST_MAC)
        rapid = (re.search(rf"DHCPDISCOVER\(\S+\) {mac}", log) is not None
                 and re.search(rf"DHCPACK\(\S+\) \S+ {mac}", log) is not None
                 and re.search(rf"DHCPREQUEST\(\S+\) \S+ {mac}", log) is None)
        result("dhcp_rapid_commit", m is not None and rapid, f"dnsmasq log: {log[-800:]}")
        if not m:
            return 0
        ip = m.group(1)
        lab.wait_for(r"offhook: up", timeout=20)

        p = lab.ns("ping", "-c", "100", "-i", "0.02", "-W", "2", ip, check=False, timeout=120)
        got = re.search(r"(\d+) received", p.stdout)
        result("host_ping_100", got is not None and got.group(1) == "100", p.stdout[-300:])

        mark = lab.mark()
        lab.send(f"ping {netlab.HOST_IP} 5")
        m2 = lab.wait_for(r"ping: (\d+)/(\d+) replies", timeout=30, start=mark)
        result("kernel_pings_host", m2 is not None and m2.group(1) == m2.group(2) == "5",
               f"{m2.group(0) if m2 else 'no summary'}")

        dns_queries(lab)

        p = lab.ns(sys.executable, PEER, "udp-echo", ip, "1000", check=False, timeout=600)
        try:
            s = json.loads(p.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            s = {}
        result("udp_echo_1000", s.get("echoed_exact") == 1000, f"{s or p.stdout[-300:] + p.stderr[-300:]}")

        before = drops(lab)
        pinger = lab.ns_popen("ping", "-c", "150", "-i", "0.02", "-W", "2", ip,
                              stdout=subprocess.PIPE, text=True)
        lab.ns(sys.executable, PEER, "flood", lab.tap, netlab.GUEST_MAC, ip, "5000", "1", check=False,
               timeout=300)
        out, _ = pinger.communicate(timeout=120)
        got = re.search(r"(\d+) received", out)
        received = int(got.group(1)) if got else 0
        after_ping = lab.ns("ping", "-c", "10", "-i", "0.05", "-W", "2", ip, check=False, timeout=60)
        alive = re.search(r"(\d+) received", after_ping.stdout)
        after = drops(lab)
        result("flood_survived", alive is not None and alive.group(1) == "10",
               f"after the flood: {after_ping.stdout[-200:]!r}")
        result("flood_ping_answered", received >= 140, f"{received}/150 pings answered during the flood")
        result("flood_drops_counted", before is not None and after is not None and after - before >= 1000,
               f"drops before {before}, after {after}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
