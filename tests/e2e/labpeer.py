#!/usr/bin/env python3
"""Traffic the e2e tests send from inside the lab namespace (run with `ip netns exec`).

    labpeer.py udp-echo IP COUNT        send COUNT datagrams of sizes 1..1472 to IP:7, check
                                        each echo byte for byte; prints a JSON summary
    labpeer.py udp-rate IP SECONDS      echo round trips per second with 64-byte datagrams
    labpeer.py flood IFACE DSTMAC DSTIP COUNT SEED
                                        raw malformed frames: random bytes, truncated headers,
                                        bad checksums, bad lengths, fragments
"""
import json
import os
import random
import socket
import struct
import sys
import time


def udp_echo(ip, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    ok = mismatched = lost = retried = 0
    for i in range(count):
        size = 1 + (i * 1471) // max(1, count - 1)
        payload = bytes((i * 7 + k) & 0xff for k in range(size))
        got = None
        for attempt in range(3):
            s.sendto(payload, (ip, 7))
            try:
                while True:
                    data, src = s.recvfrom(2048)
                    if src[0] == ip and src[1] == 7:
                        got = data
                        break
            except socket.timeout:
                retried += 1
                continue
            break
        if got is None:
            lost += 1
        elif got == payload:
            ok += 1
        else:
            mismatched += 1
    print(json.dumps({"sent": count, "echoed_exact": ok, "mismatched": mismatched, "lost": lost,
                      "retried": retried}))


def udp_rate(ip, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    payload = b"x" * 64
    n = 0
    rtts = []
    end = time.time() + seconds
    while time.time() < end:
        t0 = time.perf_counter()
        s.sendto(payload, (ip, 7))
        try:
            s.recvfrom(2048)
        except socket.timeout:
            continue
        rtts.append(time.perf_counter() - t0)
        n += 1
    rtts.sort()
    print(json.dumps({"round_trips": n, "per_second": n / seconds,
                      "rtt_median_us": rtts[len(rtts) // 2] * 1e6 if rtts else None}))


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip_header(src, dst, proto, payload_len, ident, frag=0, bad_csum=False, total=None, ihl=5):
    total = 20 + payload_len if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", (4 << 4) | ihl, 0, total, ident, frag, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    c = checksum(h)
    if bad_csum:
        c ^= 0x5a5a
    return h[:10] + struct.pack("!H", c) + h[12:]


def flood(iface, dst_mac, dst_ip, count, seed):
    rng = random.Random(seed)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    dmac = bytes.fromhex(dst_mac.replace(":", ""))
    smac = bytes.fromhex("02000000beef")
    src = "192.0.2.1"
    kinds = {}
    for i in range(count):
        kind = rng.choice(["random", "trunc_eth", "trunc_ip", "bad_ip_csum", "bad_len", "fragment",
                           "bad_udp_csum", "trunc_udp", "bad_icmp", "arp_garbage", "bad_ihl"])
        kinds[kind] = kinds.get(kind, 0) + 1
        eth = dmac + smac
        if kind == "random":
            frame = eth + bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 1500)))
        elif kind == "trunc_eth":
            frame = eth[:rng.randint(1, 13)]
        elif kind == "trunc_ip":
            frame = eth + b"\x08\x00" + ip_header(src, dst_ip, 17, 8, i)[:rng.randint(0, 19)]
        elif kind == "bad_ip_csum":
            frame = eth + b"\x08\x00" + ip_header(src, dst_ip, 1, 8, i, bad_csum=True) + b"\x08\0\0\0\0\0\0\0"
        elif kind == "bad_len":
            frame = eth + b"\x08\x00" + ip_header(src, dst_ip, 17, 8, i, total=rng.choice([0, 19, 1500, 65535])) + b"\0" * 8
        elif kind == "fragment":
            frame = eth + b"\x08\x00" + ip_header(src, dst_ip, 17, 16, i, frag=rng.choice([0x2000, 0x0010, 0x2005])) + b"\0" * 16
        elif kind == "bad_udp_csum":
            udp = struct.pack("!HHHH", 40000, 7, 12, 0x1234) + b"abcd"
            frame = eth + b"\x08\x00" + ip_header(src, dst_ip, 17, len(udp), i) + udp
        elif kind == "trunc_udp":
            frame = eth + b"\x08\x00" + ip_header(src, dst_ip, 17, 4, i) + b"\x9c\x40\x00"
        elif kind == "bad_icmp":
            icmp = b"\x08\x00\xde\xad" + b"\0" * 8
            frame = eth + b"\x08\x00" + ip_header(src, dst_ip, 1, len(icmp), i) + icmp
        elif kind == "arp_garbage":
            frame = eth + b"\x08\x06" + bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 40)))
        else:  # bad_ihl
            frame = eth + b"\x08\x00" + ip_header(src, dst_ip, 17, 8, i, ihl=rng.choice([0, 3, 15])) + b"\0" * 8
        if len(frame) < 14:
            frame = frame + b""  # the kernel pads short frames; the NIC sees them padded
        try:
            s.send(frame[:1514])
        except OSError:
            pass
        if i % 200 == 0:
            time.sleep(0.01)
    print(json.dumps({"sent": count, "kinds": kinds}))


def main():
    cmd = sys.argv[1]
    if cmd == "udp-echo":
        udp_echo(sys.argv[2], int(sys.argv[3]))
    elif cmd == "udp-rate":
        udp_rate(sys.argv[2], float(sys.argv[3]))
    elif cmd == "flood":
        flood(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
