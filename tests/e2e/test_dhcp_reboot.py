#!/usr/bin/env python3
"""DHCP INIT-REBOOT from a lease kept on the disk (issue 11, start time), against dnsmasq in the
lab, with a FAT32 disk the host reads with mtools:

- lease_kept: after a first boot that got its address by discovery, the disk's /lease.txt
  names that address (the one dnsmasq's ACK gave, read off the wire) and dnsmasq as server;
- init_reboot_on_the_wire: the next boot's first DHCP message is a REQUEST for that address
  with ciaddr 0 and no server identifier (RFC 2131 §4.3.2 table 4, INIT-REBOOT), and it sends
  no DISCOVER at all; the address it then uses is that one;
- reboot_faster: that boot has its address sooner after kernel entry than the first one
  (dnsmasq pings an address before it offers it, RFC 2131 §4.4.1 suggests so, which INIT-REBOOT
  does not wait for); both figures printed;
- refused_lease_rediscovers: a /lease.txt naming an address of another network gets dnsmasq's
  NAK, the phone discovers a lease of this one, and the file then holds the new address;
- garbage_lease_ignored: a /lease.txt of junk is ignored with a message and discovery runs.
Prints PASS/FAIL lines (prefix dhcp_reboot/) and exits 0.
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

MKDISK = os.path.join(HERE, "..", "..", "tools", "mkdisk.sh")


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} dhcp_reboot/{name}{'' if ok else ': ' + str(detail)[:600]}", flush=True)


def read_lease(img):
    r = subprocess.run(["mtype", "-i", img, "::/lease.txt"], capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def put_lease(img, text):
    src = img + ".lease"
    with open(src, "w") as f:
        f.write(text)
    subprocess.run(["mcopy", "-o", "-i", img, src, "::/lease.txt"], check=True, capture_output=True)


def boot_once(lab, img, tag):
    """Boot with net=dhcp and the disk, capture DHCP, wait for the address, then exit cleanly.
    Returns (address, ms after kernel entry, DHCP messages from the phone as tshark fields)."""
    pcap = os.path.join(lab.tmp, f"dhcp-{tag}.pcap")
    ts = lab.ns_popen("tshark", "-q", "-i", lab.tap, "-f", "udp port 67 or udp port 68", "-w", pcap,
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    mark = lab.mark()
    lab.boot("net=dhcp", smp=1, extra=["-boot", "d", "-drive", f"file={img},format=raw,if=ide,bus=0,unit=0"])
    m = lab.wait_for(r"net: address (\d+\.\d+\.\d+\.\d+)/\d+ .*\(dhcp, (\d+)\.\d+ ms after kernel entry\)",
                     timeout=60, start=mark)
    time.sleep(1.0)  # the lease writer's turn
    lab.send("poweroff")
    try:
        lab.qemu.wait(timeout=20)
    except subprocess.TimeoutExpired:
        lab.qemu.kill()
        lab.qemu.wait()
    time.sleep(0.5)
    ts.terminate()
    ts.wait(timeout=10)
    r = lab.ns("tshark", "-r", pcap, "-Y", "dhcp", "-T", "fields", "-e", "eth.src", "-e", "dhcp.option.dhcp",
               "-e", "dhcp.ip.client", "-e", "dhcp.option.requested_ip_address", "-e", "dhcp.option.dhcp_server_id",
               "-e", "dhcp.ip.your", check=False)
    msgs = [line.split("\t") for line in r.stdout.splitlines() if line.strip()]
    with lab.console_lock:
        text = "\n".join(lab.console[mark:])
    return (m.group(1) if m else None), (int(m.group(2)) if m else None), msgs, text


def main():
    r = subprocess.run(["make", "-C", os.path.join(HERE, "..", ".."), "--no-print-directory", "build/kernel.elf", "userland"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        result("build", False, "kernel build failed: " + r.stderr[-300:])
        return 0
    missing = hosttools.missing("mtype", "mcopy", "mformat", "tshark", "dnsmasq")
    if missing:
        result("tools", False, missing)
        return 0
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        img = os.path.join(lab.tmp, "disk.img")
        subprocess.run(["sh", MKDISK, img, "64"], check=True, capture_output=True)
        mac = netlab.GUEST_MAC.lower()

        addr1, ms1, msgs1, _ = boot_once(lab, img, "first")
        acks = [m for m in msgs1 if len(m) >= 6 and m[1] == "5" and m[5]]
        lease = read_lease(img) or ""
        leased = acks[-1][5] if acks else None
        result("lease_kept", addr1 is not None and leased == addr1
               and re.search(rf"address={re.escape(addr1 or '-')}\s+server={re.escape(netlab.HOST_IP)}\b", lease),
               f"address {addr1}, ACK yiaddr {leased}, /lease.txt {lease!r}")

        addr2, ms2, msgs2, _ = boot_once(lab, img, "second")
        mine = [m for m in msgs2 if m and m[0].lower() == mac]
        first = mine[0] if mine else []
        ok = (len(first) >= 5 and first[1] == "3" and first[3] == addr1 and first[2] in ("0.0.0.0", "")
              and first[4] == "" and not any(m[1] == "1" for m in mine) and addr2 == addr1)
        result("init_reboot_on_the_wire", ok, f"phone's DHCP messages {mine}, address {addr2}")
        print(f"info: address {ms1} ms after kernel entry by discovery, {ms2} ms by INIT-REBOOT", flush=True)
        result("reboot_faster", ms1 is not None and ms2 is not None and ms2 < ms1, f"{ms1} ms -> {ms2} ms")

        put_lease(img, "address=198.51.100.77 server=198.51.100.1\n")
        addr3, _, msgs3, _ = boot_once(lab, img, "refused")
        mine = [m for m in msgs3 if m and m[0].lower() == mac]
        lease = read_lease(img) or ""
        ok = (len(mine) >= 2 and mine[0][1] == "3" and mine[0][3] == "198.51.100.77"
              and any(m[1] == "6" for m in msgs3) and any(m[1] == "1" for m in mine)
              and addr3 is not None and addr3.startswith("192.0.2.") and f"address={addr3} " in lease)
        result("refused_lease_rediscovers", ok, f"DHCP {msgs3}, address {addr3}, /lease.txt {lease!r}")

        put_lease(img, "\x00\xff garbage address=999.1.1.1\n")
        addr4, _, msgs4, text4 = boot_once(lab, img, "garbage")
        mine = [m for m in msgs4 if m and m[0].lower() == mac]
        ok = (addr4 is not None and "holds no usable lease" in text4 and mine and mine[0][1] == "1")
        result("garbage_lease_ignored", ok, f"DHCP {mine}, address {addr4}, console {text4[-300:]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
