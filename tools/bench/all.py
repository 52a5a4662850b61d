#!/usr/bin/env python3
"""`make bench`: every benchmark in one run, and one table of figures and ratios against the
peers measured in the same run (baresip, libosip2, sofia-sip, spandsp). Benchmarks, not
tests: nothing here passes or fails. On a shared machine absolute times are indications;
the ratios compare side by side, and callgrind's instruction counts are repeatable.

Usage: tools/bench/all.py [--quick]     (--quick: 20 s rhythm phases instead of 60 s)
"""
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "build", "bench")
sys.path.insert(0, HERE)

rows = []  # (area, what, figure, against the peer)


def row(area, what, figure, peer=""):
    rows.append((area, what, figure, peer))
    print(f"  {area}: {what}: {figure}" + (f"  [{peer}]" if peer else ""), flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, cwd=ROOT, capture_output=True, text=True, **kw)


def build():
    os.makedirs(OUT, exist_ok=True)
    pc = "$(pkg-config --cflags sofia-sip-ua)", "$(pkg-config --libs libosip2 sofia-sip-ua)"
    def mod(*names):
        # Sources by module (each folder's module.mk), never by file.
        r = sh("make --no-print-directory " + " ".join(f"print-{n}_SRCS" for n in names))
        return " ".join(r.stdout.split())
    cmds = {
        "sip_parse_bench": f"g++ -O2 -std=c++20 -I. {pc[0]} tools/bench/sip_parse_bench.cpp "
                           f"{mod('sip')} {pc[1]}",
        "media_bench": f"g++ -std=c++20 -O2 -I. tools/bench/media_bench.cpp {mod('media')} -lspandsp",
        "net_bench": f"g++ -std=c++20 -O2 -I. tools/bench/net_bench.cpp {mod('net')}",
        "block_bench": f"g++ -std=c++20 -O2 -I. tools/bench/block_bench.cpp {mod('block')}",
    }
    for name, cmd in cmds.items():
        r = sh(f"{cmd} -o {OUT}/{name}")
        if r.returncode:
            print(r.stderr[-2000:])
            raise SystemExit(f"building {name} failed")
    r = sh("make --no-print-directory -j2 build/kernel.elf")
    if r.returncode:
        print(r.stderr[-2000:])
        raise SystemExit("building the kernel failed")


def sip_parse():
    # Three timed runs: the slowest ratio is the one to quote on a shared machine.
    lib, sofia = [], []
    for _ in range(3):
        out = sh(f"{OUT}/sip_parse_bench tests/fuzz/corpus/sip_message 3").stdout
        lib.append(float(re.search(r"offhook/libosip2: ([\d.]+)x", out).group(1)))
        sofia.append(float(re.search(r"offhook/sofia-sip: ([\d.]+)x", out).group(1)))
    row("SIP parse", "speed vs libosip2 (3 runs: slowest / median)", f"{min(lib):.1f}x / {statistics.median(lib):.1f}x",
        "goal >= 5x on the slowest")
    row("SIP parse", "speed vs sofia-sip (3 runs: slowest / median)", f"{min(sofia):.1f}x / {statistics.median(sofia):.1f}x",
        "goal >= 2x on the slowest")
    counts = {}
    for p in ("none", "offhook", "libosip2", "sofia-sip"):
        r = sh(f"valgrind --tool=callgrind --callgrind-out-file=/dev/null {OUT}/sip_parse_bench --count {p} 200")
        m = re.search(r"Collected : (\d+)", r.stderr)
        n = re.search(r"(\d+) x (\d+) messages", r.stdout)
        counts[p] = int(m.group(1))
        messages = int(n.group(1)) * int(n.group(2))
    per = {p: (counts[p] - counts["none"]) / messages for p in ("offhook", "libosip2", "sofia-sip")}
    row("SIP parse", "instructions per message (callgrind): offhook / libosip2 / sofia-sip",
        f"{per['offhook']:.0f} / {per['libosip2']:.0f} / {per['sofia-sip']:.0f}",
        f"libosip2 {per['libosip2'] / per['offhook']:.2f}x ours, sofia-sip {per['sofia-sip'] / per['offhook']:.2f}x ours")


def media():
    out = sh(f"{OUT}/media_bench").stdout
    for line in out.splitlines():
        m = re.match(r"\s+(\S.*?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", line)
        if m:
            row("G.711", f"{m.group(1)} Msamples/s ours / spandsp", f"{m.group(2)} / {m.group(3)}",
                f"{m.group(4)}x spandsp")
    for m in re.finditer(r"PLC, (\d+) % loss.*?SNR ours ([-\d.]+) dB, spandsp ([-\d.]+) dB; ([\d.]+) us", out):
        row("PLC", f"{m.group(1)} % random loss: concealed-frame SNR ours / spandsp",
            f"{m.group(2)} / {m.group(3)} dB", f"{float(m.group(2)) - float(m.group(3)):+.1f} dB vs spandsp")
    m = re.search(r"Jitter buffer: (\d+) ns per packet", out)
    if m:
        row("jitter buffer", "cost per packet (put + get)", f"{m.group(1)} ns")


def block():
    out = sh(f"{OUT}/block_bench").stdout
    for line in out.splitlines():
        m = re.match(r"(\S.*?)\s+\d+ ops\s+sim\s+([\d.]+) MB/s", line)
        if m:
            row("block cache", m.group(1).strip(), f"{m.group(2)} MB/s (simulated disk)")


def net_hosted():
    out = sh(f"{OUT}/net_bench").stdout
    for line in out.splitlines():
        m = re.match(r"(\S.*?)\s+\d+-byte frames\s+([\d.]+) frames/s", line)
        if m:
            row("net stack (hosted)", m.group(1).strip(), f"{float(m.group(2)) / 1e6:.2f} M frames/s")


def net_lab():
    out = sh("python3 tools/bench/net_lab_bench.py 500 10", timeout=600).stdout
    m = re.search(r"rtt median (\d+) us, p99 (\d+) us", out)
    if m:
        row("network (QEMU)", "ping RTT median / p99", f"{m.group(1)} / {m.group(2)} us")
    m = re.search(r"udp echo: (\d+) round trips/s", out)
    if m:
        row("network (QEMU)", "UDP echo, 64-byte datagrams, one in flight", f"{m.group(1)} round trips/s")


def rhythm(seconds, nice=None):
    """The rhythm call; with `nice`, QEMU's threads and baresip's both at that host nice, ahead
    of the fire's busy threads and floods (at 0): the two phones at one priority, as a phone's
    media path runs at a priority above the rest of its machine. At nice 0 (the first run) the
    emulator's five threads share two host CPUs with the fire, and the emulated timer interrupt
    comes late by what the host's scheduler keeps QEMU waiting."""
    import rtp_rhythm
    out = rtp_rhythm.run(seconds, report=lambda m: None, qemu_nice=nice, peer_nice=nice)
    area = "RTP rhythm" if nice is None else f"RTP rhythm, both at nice {nice}"
    if not out:
        row(area, "call", "did not start")
        return
    if nice is None:
        row("start", "the rhythm call's boot (e1000, static): kernel entry to REGISTER 200",
            f"{out['registered_ms']} ms", "QEMU's e1000 receives nothing for 1 s after RCTL is written")
    for name in ("idle", "fire"):
        p, b = out[name]["phone"], out[name]["baresip"]
        if p and b:
            row(area, f"{name}: p99 deviation from 20 ms, phone / baresip",
                f"{p['p99']:.2f} / {b['p99']:.2f} ms", f"ratio {p['p99'] / b['p99']:.2f} (goal <= 1.0)")
        a = out[name].get("attribution")
        if a:
            row(area, f"{name}: the kernel's own part of each send (p99 / max)",
                f"{a['own_p99_ms']:.2f} / {a['own_max_ms']:.2f} ms",
                f"emulated timer interrupt late p99 {a['timer_p99_ms']:.2f} ms")


def latency(seconds):
    import latency as lat_bench
    out = lat_bench.run(seconds)
    if not out or not out["latency_ms"]:
        row("latency", "receive", "no figures")
        return
    lat = out["latency_ms"]
    med = statistics.median(lat)
    own = out.get("own_ms") or []
    row("latency", "receive: RTP arrival to played by the codec (marker, median / max)",
        f"{med:.1f} / {max(lat):.1f} ms",
        f"of which QEMU's AC97 + wav model after the DMA fetch {med - statistics.median(own):.0f} ms" if own else "")
    if own:
        ring = out.get("ring_ms") or []
        r = statistics.median(ring) if ring else 0.0
        row("latency", "receive: the phone's own part (arrival to DMA fetch, its onset records, median)",
            f"{statistics.median(own):.1f} ms ({statistics.median(own) - r:.1f} to the ring + {r:.1f} in it)",
            "goal: <= 40 ms with the send side")
    s = out.get("stats") or {}
    row("latency", "receive: jitter-buffer target / playback cushion at the call / worst service lateness since boot",
        f"{s.get('jb_target_ms')} ms / {s.get('audio_cushion_frames')} frames / {(s.get('audio_worst_deficit_us') or 0) / 1000:.1f} ms",
        "to the ring: the target + the wait for the next 20 ms tick (5-25 ms, the tick's phase)")


def latency_send(seconds):
    import latency_send as send_bench
    out = send_bench.run(seconds, settle=70)
    if not out or not out["total_ms"]:
        row("latency", "send", "no figures")
        return
    tot, pk, own = out["total_ms"], out["packetization_ms"], out["own_ms"]
    med = statistics.median(tot)
    row("latency", "send: microphone to RTP on the wire (marker, median / max)", f"{med:.1f} / {max(tot):.1f} ms",
        f"of which the rest of the 20 ms frame {statistics.median(pk):.1f} ms"
        + (f", QEMU's capture model and ALSA {med - statistics.median(pk) - statistics.median(own):.0f} ms" if own else ""))
    if own:
        row("latency", "send: the phone's own part (DMA completion to wire, its onset records, median)",
            f"{statistics.median(own):.1f} ms ({statistics.median(out['to_media_ms']):.1f} in the capture reserve + "
            f"{statistics.median(out['media_to_wire_ms']):.1f} to the wire)", "goal: <= 40 ms with the receive side")


def playout():
    out = sh("python3 tests/e2e/test_playout.py", timeout=900, env=dict(os.environ, PLAYOUT_SECONDS="60")).stdout
    w = re.search(r"info: wire: (\d+) discontinuities in ([\d.]+) s \(([\d.]+)/min\)", out)
    h = re.search(r"info: speaker: (\d+) discontinuities in ([\d.]+) s \(([\d.]+)/min\)", out)
    if w and h:
        row("playout", "discontinuities in a steady 1 kHz tone: speaker / RTP that arrived",
            f"{h.group(1)} / {w.group(1)} in {h.group(2)} s", f"{h.group(3)} / {w.group(3)} per minute")
    else:
        row("playout", "60 s call", "no figures")


def boot():
    out = sh("python3 tools/bench/boot_and_latency.py 10", timeout=900).stdout
    for m in re.finditer(r"boot: smp=(\d+) entry->all-cpus-online median ([\d.]+) ms", out):
        row("boot", f"-smp {m.group(1)}: kernel entry to all CPUs online (median)", f"{m.group(2)} ms")


def start():
    # The boot helper of tests/e2e/test_start.py: five static boots on e1000e, a discovery boot
    # that leaves a lease on the disk, three INIT-REBOOT boots with the registrar by name, and
    # one boot on e1000 for its 1 s receive hold.
    sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import netlab
    import test_start
    from peers import kamailio
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        k = kamailio.Kamailio(lab.name, lab.tmp, users={"1000": "secret1000"})
        try:
            k.start()
            sip = "sip.user=1000 sip.password=secret1000"
            static = f"net={test_start.PHONE_IP}/24,gw={netlab.HOST_IP} sip.server={netlab.HOST_IP} {sip}"
            t = [test_start.boot_once(lab, static, f"b-static-{i}")[0] for i in range(5)]
            ok = [x for x in t if x is not None]
            row("start", "kernel entry to REGISTER 200, static address, e1000e (median of 5, min-max)",
                f"{statistics.median(ok)} ms ({min(ok)}-{max(ok)})" if ok else "no figure", "goal <= 100 ms")
            img = os.path.join(lab.tmp, "disk.img")
            subprocess.run(["sh", os.path.join(ROOT, "tools", "mkdisk.sh"), img, "64"], check=True,
                           capture_output=True)
            dhcp = f"net=dhcp sip.server={netlab.SIP_NAME} {sip}"
            first = test_start.boot_once(lab, dhcp, "b-discover", disk=img)[0]
            t = [test_start.boot_once(lab, dhcp, f"b-reboot-{i}", disk=img)[0] for i in range(3)]
            ok = [x for x in t if x is not None]
            row("start", "same, DHCP INIT-REBOOT from the disk's lease + DNS, e1000e (median of 3)",
                f"{statistics.median(ok)} ms" if ok else "no figure",
                f"goal <= 500 ms; by discovery (dnsmasq pings first): {first} ms")
            e = test_start.boot_once(lab, static, "b-e1000", nic="e1000")[0]
            row("start", "static address on QEMU's e1000", f"{e} ms",
                "its model receives nothing for 1 s after RCTL is written")
        finally:
            k.stop()


def cpu_times():
    # /proc/stat's first line: user nice system idle iowait irq softirq steal (in ticks).
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return sum(v), v[7]


def main():
    seconds = 20 if "--quick" in sys.argv else 60
    total0, steal0 = cpu_times()
    print("building the benchmarks", flush=True)
    build()
    for step in (sip_parse, media, block, net_hosted, net_lab, boot, start, lambda: rhythm(seconds),
                 lambda: rhythm(seconds, nice=-10),
                 lambda: latency(min(seconds, 30)), lambda: latency_send(min(seconds, 30))):
        try:
            step()
        except Exception as e:  # one broken benchmark must not hide the others' figures
            row("error", getattr(step, "__name__", "step"), repr(e)[:200])
    try:
        playout()
    except Exception as e:
        row("error", "playout", repr(e)[:200])
    print()
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    print(f"{'area':<{w[0]}}  {'what':<{w[1]}}  {'figure':<{w[2]}}  against")
    for r in rows:
        print(f"{r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]:<{w[2]}}  {r[3]}")
    total1, steal1 = cpu_times()
    # On a virtual machine the hypervisor's steal time is CPU our threads (QEMU's among them)
    # wanted and did not get: the noise the timing figures above carry.
    steal = 100.0 * (steal1 - steal0) / max(1, total1 - total0)
    print(f"host: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}, "
          f"CPU time stolen by the hypervisor during the run {steal:.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
