#!/usr/bin/env python3
"""RTP rhythm benchmark (not a test), in the lab: a call between the phone (QEMU) and baresip
(host Linux, in the lab namespace) through Kamailio; tshark on the lab's tap records both
directions. Prints the gaps between consecutive RTP packets of each sender as deviation from
20 ms (p50/p99/max), idle and under fire (sipp OPTIONS flood at 500/s and a UDP garbage flood
at the phone's SIP and RTP ports, a busy thread on every guest CPU and on every host CPU),
and the ratio phone p99 / baresip p99. Also prints the phone's time from kernel entry to
registered.

Usage: tools/bench/rtp_rhythm.py [SECONDS_PER_PHASE] [--user-spinners]   (default 60)
--user-spinners: the guest's busy work is two ring-3 programs that never yield (bg=spinner,
spinner, from boot, so in both phases) instead of the kernel's busy threads (`load on`).
QEMU_NICE=N (e.g. -10): QEMU's threads at host nice N, ahead of the fire (a diagnosis of how
much of the phone's lateness is the host starving the emulator). PEER_NICE=N: baresip's too;
make bench runs the call a second time with both at -10 (the two phones at one priority).
"""
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import netlab  # noqa: E402
from peers import audio, baresip, kamailio, proc, sipp  # noqa: E402

PHONE_IP = "192.0.2.10"
FLOOD_SIP_IP = "192.0.2.2"
FLOOD_UDP_IP = "192.0.2.3"


def gaps_ms(pcap, lab, src_ip, src_port):
    r = lab.ns("tshark", "-r", pcap, "-Y", f"ip.src=={src_ip} && udp.srcport=={src_port} && udp.length > 100",
               "-T", "fields", "-e", "frame.time_epoch", check=False, timeout=120)
    t = [float(x) for x in r.stdout.split()]
    return [(b - a) * 1000 for a, b in zip(t, t[1:])]


def deviation_stats(gaps):
    if len(gaps) < 10:
        return None
    dev = sorted(abs(g - 20.0) for g in gaps)
    return {"packets": len(gaps) + 1, "p50": dev[len(dev) // 2], "p99": dev[min(len(dev) - 1, len(dev) * 99 // 100)],
            "max": dev[-1], "mean_gap": statistics.mean(gaps)}


def arrivals(pcap, lab, src_ip, dst_ip, dst_port, t0, freq=1000):
    """[(seconds after t0, RTP sequence number, carries the tone)] of the G.711 RTP src sent to
    dst_ip:dst_port, as the wire (the lab's tap, just before the phone's NIC) saw it arrive. A
    packet carries the tone when most of its payload's energy is at `freq` and its level is within
    6 dB of the median packet's (the peer may send silence when its own audio source starves)."""
    r = lab.ns("tshark", "-r", pcap, "-d", f"udp.port=={dst_port},rtp", "-Y",
               f"ip.src=={src_ip} && ip.dst=={dst_ip} && udp.dstport=={dst_port} && rtp", "-T", "fields",
               "-e", "frame.time_epoch", "-e", "rtp.seq", "-e", "rtp.p_type", "-e", "rtp.payload",
               check=False, timeout=120)
    rows = []
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) < 3 or f[2] not in ("0", "8"):
            continue
        body = bytes.fromhex(f[3].replace(":", "")) if len(f) > 3 else b""
        dec = audio._alaw if f[2] == "8" else audio._ulaw
        samples = [dec(b) / 32768.0 for b in body]
        rows.append((float(f[0]) - t0, int(f[1]), samples))
    levels = [audio.rms_dbfs(x) for _, _, x in rows if x]
    median = statistics.median(levels) if levels else 0.0
    return [(t, q, len(x) >= 80 and audio.tone_ratio(x, freq, 8000) >= 0.5 and audio.rms_dbfs(x) >= median - 6)
            for t, q, x in rows]


def peer_gaps(arr, span, min_gap_ms=100):
    """Where no packet carrying the peer's tone reached the phone for at least min_gap_ms:
    [(from_s, to_s)] within [0, span] seconds of the phase (a stall of the peer, of its audio
    source or of the host under fire, not something the phone controls); a stretch without such
    a packet at the start or end counts too."""
    edges = sorted(a for a, _, good in arr if good and -1.0 <= a <= span + 1.0)
    if not edges or edges[0] > 0:
        edges.insert(0, 0.0)
    if edges[-1] < span:
        edges.append(float(span))
    return [(round(a, 3), round(b, 3)) for a, b in zip(edges, edges[1:]) if (b - a) * 1000 >= min_gap_ms]


def explained_dips(dip_at_s, gaps, before_s=0.2, after_s=0.6, block_s=0.1):
    """The dips a gap in the peer's RTP explains: those whose 100 ms block starts within
    [gap start - before_s, gap end + after_s]. before_s allows for the WAV running slightly
    behind the wall clock; after_s for the playout path (jitter buffer and AC97 ring, about
    200-300 ms) to refill and resume after the burst that ends a stall."""
    return [d for d in dip_at_s
            if any(g0 - before_s <= d + block_s and d <= g1 + after_s for g0, g1 in gaps)]


def udp_flood(lab, seconds, rate=2000):
    code = f"""
import os, socket, time, random
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("{FLOOD_UDP_IP}", 0))
end = time.time() + {seconds}
n = 0
while time.time() < end:
    for port in (5060, 4000, 4001):
        s.sendto(os.urandom(random.randint(1, 1400)), ("{PHONE_IP}", port))
        n += 1
    time.sleep(3.0 / {rate})
print(n)
"""
    return lab.ns_popen(sys.executable, "-c", code, stdout=subprocess.PIPE, text=True)


def host_hogs():
    code = "import time\nwhile True: pass\n"
    return [proc.track(subprocess.Popen([sys.executable, "-c", code])) for _ in range(os.cpu_count() or 2)]


def wire_seq_times(pcap, lab, src_ip, src_port):
    """{RTP sequence number: wire time} of what src sent (the phone's RTP port)."""
    r = lab.ns("tshark", "-r", pcap, "-d", f"udp.port=={src_port},rtp", "-Y",
               f"ip.src=={src_ip} && udp.srcport=={src_port} && rtp", "-T", "fields",
               "-e", "frame.time_epoch", "-e", "rtp.seq", check=False, timeout=120)
    out = {}
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) == 2:
            out[int(f[1])] = float(f[0])
    return out


def qemu_run_delay(lab):
    """{thread name: ns it waited for a host CPU while runnable} for QEMU's threads
    (/proc/PID/task/TID/schedstat, second field): how much the host starved each."""
    out = {}
    pid = lab.qemu.pid if lab.qemu else None
    if not pid:
        return out
    for tid in os.listdir(f"/proc/{pid}/task") if os.path.isdir(f"/proc/{pid}/task") else []:
        try:
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            delay = int(open(f"/proc/{pid}/task/{tid}/schedstat").read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        out[name] = out.get(name, 0) + delay
    return out


def read_pacer(lab):
    """The pacer's own summary and per-send records (guest clock, us)."""
    mark = lab.mark()
    lab.send("pacer")
    m = lab.wait_for(r"pacer: ticks=.*", timeout=10, start=mark)
    summary = {k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)", m.group(0))} if m else {}
    mark = lab.mark()
    lab.send("pacer dump")
    lab.wait_for(r"pacer: dump end", timeout=60, start=mark)
    records = []
    with lab.console_lock:
        lines = lab.console[mark:]
    for line in lines:
        f = line.split()
        if len(f) == 9 and f[0] == "pace":
            seq, deadline, armed, fired, sent, queued, switches, lock_wait = (int(x) for x in f[1:])
            records.append({"seq": seq, "deadline": deadline, "armed": armed, "fired": fired, "sent": sent,
                            "queued": queued, "switches": switches, "lock_wait": lock_wait})
    return summary, records


def pct(values, q):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * q))]


def attribute(records, wire):
    """Split each send's lateness from its grid deadline into the guest's part and the
    emulator's, and check the guest's send times against the wire.

    Per record (times after the deadline, guest clock): the timer was armed at `armed`,
    its interrupt came at `fired`, the media loop queued the packet at `queued`, the frame
    was in the NIC's ring at `sent`.
    - own = sent - max(0, fired, queued): arming aside, what the kernel took from the moment
      the deadline, the interrupt and the packet were all there to the NIC (scheduling,
      framing, the transmit ring);
    - timer = fired - armed: how late the emulated LAPIC delivered the interrupt;
    - media_late: ticks whose packet the media loop queued after the deadline (the pacer
      then sent it on arrival), with the p99 of that lateness;
    - armed_late: the kernel armed the timer after the deadline (its own fault);
    - not_first: ticks where another thread ran on the pacer's CPU between its timer
      interrupt and the pacer (switches > 1; -1 = not woken by that tick's timer);
    - lock_waits: sends that found the NIC's transmit lock held by another CPU.
    The wire check: wire time - guest send time, less a straight line fitted through the
    median of each tenth of those differences (a constant offset between the two clocks
    and the guest's TSC calibration error), should be near zero: the frame reaches the tap
    when the guest wrote it to the NIC. Its absolute value is reported."""
    own = [r["sent"] - max(0, r["fired"], r["queued"]) for r in records]
    media = [r["queued"] for r in records if r["queued"] > 0]
    timer = [max(0, r["fired"] - max(0, r["armed"])) for r in records]
    total = [r["sent"] for r in records]
    armed_late = sum(1 for r in records if r["armed"] > 20)
    pairs = [((r["deadline"] + r["sent"]) / 1e6, wire[r["seq"]]) for r in records if r["seq"] in wire]
    residual = []
    if len(pairs) >= 20:
        chunk = len(pairs) // 10
        pts = []
        for i in range(10):
            part = pairs[i * chunk:(i + 1) * chunk]
            pts.append((statistics.median(g for g, _ in part), statistics.median(w - g for g, w in part)))
        mx = sum(p[0] for p in pts) / len(pts)
        my = sum(p[1] for p in pts) / len(pts)
        sxx = sum((p[0] - mx) ** 2 for p in pts) or 1.0
        slope = sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx
        residual = [abs((w - g) - (my + slope * (g - mx))) * 1e3 for g, w in pairs]
    return {
        "records": len(records), "matched": len(pairs),
        "own_p50_ms": (pct(own, 0.50) or 0) / 1e3, "own_p95_ms": (pct(own, 0.95) or 0) / 1e3,
        "own_p99_ms": (pct(own, 0.99) or 0) / 1e3, "own_max_ms": (max(own) if own else 0) / 1e3,
        "timer_p99_ms": (pct(timer, 0.99) or 0) / 1e3, "timer_max_ms": (max(timer) if timer else 0) / 1e3,
        "total_p99_ms": (pct(total, 0.99) or 0) / 1e3, "armed_late": armed_late,
        "media_late": len(media), "media_late_p99_ms": (pct(media, 0.99) or 0) / 1e3,
        "media_late_max_ms": (max(media) if media else 0) / 1e3,
        "timed_by_timer": sum(1 for r in records if r["switches"] >= 0),
        # The tick's deadline had passed before the pacer went to sleep (its packet was queued in
        # time): the previous send ran late, which under fire is QEMU's vCPU thread waiting for a
        # host CPU (480 ms per s measured), so no timer interrupt times that tick.
        "late_start": sum(1 for r in records if r["switches"] < 0 and r["queued"] <= 0),
        "not_first": sum(1 for r in records if r["switches"] > 1),
        "lock_waits": sum(1 for r in records if r["lock_wait"]),
        "armed_late_records": sorted((r for r in records if r["armed"] > 20), key=lambda r: -r["armed"])[:3],
        "wire_minus_guest_p99_ms": pct(residual, 0.99), "wire_minus_guest_max_ms": max(residual) if residual else None,
    }


def fmt_attr(a):
    if not a:
        return "no pacer records"
    w = a["wire_minus_guest_p99_ms"]
    return (f"{a['records']} sends timed by the guest ({a['matched']} found on the wire): late after the deadline "
            f"p99 {a['total_p99_ms']:.2f} ms; of that the kernel's own part p50 {a['own_p50_ms']:.2f} ms, "
            f"p95 {a['own_p95_ms']:.2f}, p99 {a['own_p99_ms']:.2f} (max {a['own_max_ms']:.2f}), the emulated timer interrupt's delay p99 {a['timer_p99_ms']:.2f} ms "
            f"(max {a['timer_max_ms']:.2f}); timer armed late {a['armed_late']} times; another thread ran first "
            f"{a['not_first']} of {a['timed_by_timer']} timer wake-ups ({a.get('late_start', 0)} ticks past before the pacer slept); NIC lock waited for {a['lock_waits']} times; "
            f"media loop late {a['media_late']} times (max {a['media_late_max_ms']:.2f} ms); wire minus guest send time "
            f"p99 {w if w is None else round(w, 2)} ms"
            + (f"; armed late (us after the deadline): {a['armed_late_records']}" if a.get("armed_late_records") else ""))


class Call:
    """Lab, Kamailio, baresip (2000, auto-answer) and the phone (1000) in a call."""

    def __init__(self, lab, user_spinners=False):
        self.lab = lab
        self.user_spinners = user_spinners
        self.k = kamailio.Kamailio(lab.name, lab.tmp, users={"1000": "secret1000", "2000": "secret2000"})
        self.b = None

    def start(self):
        lab = self.lab
        lab.ns("ip", "addr", "add", f"{FLOOD_SIP_IP}/24", "dev", lab.tap)
        lab.ns("ip", "addr", "add", f"{FLOOD_UDP_IP}/24", "dev", lab.tap)
        self.k.start()
        # baresip hangs up when its aufile source ends: give it a tone longer than the run.
        tone = os.path.join(lab.tmp, "long-tone.wav")
        baresip.make_tone(tone, freq=1000, seconds=600)
        self.b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000", auto_answer=True,
                                 source_wav=tone)
        self.b.start(timeout=20)
        wav = os.path.join(lab.tmp, "speaker.wav")
        self.wav = wav
        spin = " bg=spinner,spinner" if self.user_spinners else ""
        lab.boot(f"net={PHONE_IP}/24,gw=192.0.2.1 sip.server=192.0.2.1 sip.user=1000 sip.password=secret1000 rtp.ports=4000-4001{spin}",
                 smp=2, extra=["-device", "AC97,audiodev=snd", "-audiodev", f"wav,id=snd,path={wav}"])
        m = lab.wait_for(r"phone: registered (\d+) ms after kernel entry", timeout=90)
        self.registered_ms = int(m.group(1)) if m else None
        if not m:
            return False
        mark = lab.mark()
        lab.send("dial 2000")
        return lab.wait_for(r"phone: call answered", timeout=30, start=mark) is not None

    def stats(self):
        mark = self.lab.mark()
        self.lab.send("stats")
        m = self.lab.wait_for(r"stats: rtp_sent=.*", timeout=10, start=mark)
        g = self.lab.wait_for(r"stats: sip admitted=.*", timeout=10, start=mark)
        vals = {}
        md = self.lab.wait_for(r"stats: media rtp_port=.*", timeout=10, start=mark)
        for line in (m.group(0) if m else "", g.group(0) if g else "", md.group(0) if md else ""):
            for k, v in re.findall(r"(\w+)=(-?\d+)", line):
                vals[k] = int(v)
        return vals

    def stop(self):
        if self.b:
            self.b.stop()
        self.k.stop()


def phase(lab, call, seconds, under_fire):
    pcap = os.path.join(lab.tmp, f"rtp-{'fire' if under_fire else 'idle'}.pcap")
    ts = lab.ns_popen("tshark", "-q", "-i", lab.tap, "-f", "udp", "-w", pcap,
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    before = call.stats()
    procs = []
    hogs = []
    mark = lab.mark()
    lab.send("pacer reset")
    lab.wait_for(r"pacer: reset", timeout=10, start=mark)
    delay0 = qemu_run_delay(lab)
    try:
        r = _phase(lab, call, seconds, under_fire, pcap, ts, before, procs, hogs)
        delay1 = qemu_run_delay(lab)
        r["host_wait_ms_per_s"] = {k: (delay1[k] - delay0.get(k, 0)) / 1e6 / seconds for k in delay1}
        return r
    finally:
        for h in hogs:
            proc.stop(h, timeout=1)
        for p in procs:
            if hasattr(p, "stop"):
                p.stop()
            else:
                proc.stop(p, timeout=1)


def _phase(lab, call, seconds, under_fire, pcap, ts, before, procs, hogs):
    if under_fire:
        if not call.user_spinners:  # with user spinners, they are the guest's busy work
            lab.send("load on")
        procs.append(sipp.run_scenario(lab.name, lab.tmp, os.path.join(ROOT, "tests", "e2e", "scenarios",
                                                                       "options_flood.xml"),
                                       remote=f"{PHONE_IP}:5060", local_ip=FLOOD_SIP_IP, local_port=5099,
                                       args=["-s", "1000", "-r", "500", "-m", str(500 * seconds)],
                                       wait=False, timeout=seconds + 30))
        procs.append(udp_flood(lab, seconds))
        hogs += host_hogs()
    speaker_from = wav_frames(call.wav)
    t_from = time.time()
    time.sleep(seconds)
    speaker_to = wav_frames(call.wav)
    for h in hogs:
        h.kill()
    if under_fire:
        if not call.user_spinners:
            lab.send("load off")
        for p in procs:
            if hasattr(p, "stop"):
                p.stop()
            else:
                p.wait(timeout=30)
    after = call.stats()
    pacer, records = read_pacer(lab)
    ts.send_signal(signal.SIGINT)
    ts.wait(timeout=15)
    phone = deviation_stats(gaps_ms(pcap, lab, PHONE_IP, 4000))
    peer_ip = "192.0.2.1"
    peer = deviation_stats(gaps_ms(pcap, lab, peer_ip, call.b.rtp_ports[0]) if hasattr(call.b, "rtp_ports") else [])
    if peer is None:
        # baresip picks its RTP port in a range: take whichever port sent to the phone.
        r = lab.ns("tshark", "-r", pcap, "-Y", f"ip.src=={peer_ip} && ip.dst=={PHONE_IP} && udp.dstport==4000",
                   "-T", "fields", "-e", "frame.time_epoch", check=False, timeout=120)
        t = [float(x) for x in r.stdout.split()]
        peer = deviation_stats([(b - a) * 1000 for a, b in zip(t, t[1:])])
    attr = attribute(records, wire_seq_times(pcap, lab, PHONE_IP, 4000)) if records else None
    sp = speaker_tone(call.wav, speaker_from, speaker_to, 1000)
    arr = arrivals(pcap, lab, peer_ip, PHONE_IP, 4000, t_from)
    if sp is not None:
        sp["peer_gaps"] = peer_gaps(arr, seconds)
        sp["explained"] = explained_dips(sp["dip_at_s"], sp["peer_gaps"])
        sp["peer_packets"] = sum(1 for a, _, _ in arr if 0 <= a <= seconds)
        sp["peer_toneless"] = sum(1 for a, _, good in arr if 0 <= a <= seconds and not good)
        seqs = sorted({q for a, q, _ in arr if 0 <= a <= seconds})
        sp["peer_seq_holes"] = sum(max(0, b - a - 1) for a, b in zip(seqs, seqs[1:]) if b - a < 1000)
    return {"phone": phone, "baresip": peer, "before": before, "after": after, "pacer": pacer, "attribution": attr,
            "records": records, "speaker": sp}


def wav_frames(path):
    """Bytes of audio QEMU's wav backend has written so far (its header's sizes are only
    filled in at exit): the file's size past the 44-byte header."""
    try:
        return max(0, os.path.getsize(path) - 44)
    except OSError:
        return 0


def speaker_tone(path, first, last, freq, block_ms=100):
    """What the phone played while a phase ran: audio bytes [first, last) of the speaker WAV, in
    blocks of block_ms. A block carries the caller's tone when most of its energy is at `freq`
    (audio.tone_ratio >= 0.5) and its level is within 6 dB of the phase's median block; the
    others are dips (silence from an empty ring, a glitch, or something else playing).
    Returns {"blocks", "dips", "dip_at_s": [offsets], "median_dbfs"} or None."""
    import array
    import struct
    try:
        with open(path, "rb") as f:
            head = f.read(44)
    except OSError:
        return None
    if len(head) < 44 or head[:4] != b"RIFF" or head[8:16] != b"WAVEfmt ":
        return None
    # The canonical 44-byte header QEMU writes (its sizes stay 0 until QEMU exits).
    ch, rate = struct.unpack_from("<HI", head, 22)
    width = struct.unpack_from("<H", head, 34)[0] // 8
    frame = ch * width
    first -= first % frame
    if width != 2 or last <= first:
        return None
    with open(path, "rb") as f:
        f.seek(44 + first)
        raw = f.read(last - first)
    a = array.array("h")
    a.frombytes(raw[:len(raw) - len(raw) % (ch * width)])
    mono = [sum(a[i:i + ch]) / (ch * 32768.0) for i in range(0, len(a), ch)]
    n = int(rate * block_ms / 1000)
    blocks = [mono[i:i + n] for i in range(0, len(mono) - n + 1, n)]
    if not blocks:
        return None
    levels = [audio.rms_dbfs(b) for b in blocks]
    median = statistics.median(levels)
    dips = [i for i, b in enumerate(blocks)
            if audio.tone_ratio(b, freq, rate) < 0.5 or levels[i] < median - 6]
    return {"blocks": len(blocks), "dips": len(dips), "dip_at_s": [round(i * block_ms / 1000, 1) for i in dips],
            "median_dbfs": round(median, 1)}


def fmt_speaker(s):
    if not s:
        return "no speaker audio"
    text = (f"{s['blocks'] - s['dips']} of {s['blocks']} blocks of 100 ms carry the caller's 1 kHz "
            f"(median {s['median_dbfs']} dBFS), dips at {s['dip_at_s'][:30]} s")
    if "peer_gaps" in s:
        text += (f"; the peer's RTP reached the phone's NIC {s['peer_packets']} times in the phase "
                 f"({s['peer_toneless']} without the tone, {s['peer_seq_holes']} sequence numbers never seen), stretches of >= 100 ms without the tone at {s['peer_gaps'][:8]} s, "
                 f"{len(s['explained'])} dips within them")
    return text


def fmt(s):
    if not s:
        return "no packets"
    return (f"{s['packets']} packets, deviation from 20 ms p50 {s['p50']:.2f} ms, p99 {s['p99']:.2f} ms, "
            f"max {s['max']:.2f} ms (mean gap {s['mean_gap']:.2f} ms)")


# QEMU_NICE=N (e.g. -10): QEMU's threads run at host nice N, ahead of the host's busy threads,
# as a phone's own CPU would be its own; the fire stays at 0, and baresip too unless PEER_NICE
# says otherwise. Not the default: it shows how much of the phone's lateness is the host
# starving the emulator.
QEMU_NICE = int(os.environ["QEMU_NICE"]) if os.environ.get("QEMU_NICE") else None


# PEER_NICE=N: baresip's threads at host nice N too (with QEMU_NICE=N, the two phones at the
# same priority, ahead of the fire's).
PEER_NICE = int(os.environ["PEER_NICE"]) if os.environ.get("PEER_NICE") else None


def renice_qemu(lab, nice):
    """Every thread of QEMU at host nice `nice`; how many were set."""
    return renice_threads(lab.qemu.pid if lab.qemu else None, nice)


def renice_threads(pid, nice):
    """Every thread of process `pid` at host nice `nice`; how many were set."""
    n = 0
    for tid in os.listdir(f"/proc/{pid}/task") if pid and os.path.isdir(f"/proc/{pid}/task") else []:
        try:
            os.setpriority(os.PRIO_PROCESS, int(tid), nice)
            n += 1
        except OSError:
            pass
    return n


def run(seconds, report=print, user_spinners=False, qemu_nice=QEMU_NICE, peer_nice=PEER_NICE):
    subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/kernel.elf", "userland"], check=True,
                   capture_output=True)
    out = {}
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        call = Call(lab, user_spinners)
        try:
            if not call.start():
                report("call did not start: " + lab.console_text()[-800:])
                return None
            out["registered_ms"] = call.registered_ms
            if qemu_nice is not None:
                out["qemu_nice"] = renice_qemu(lab, qemu_nice)
            if peer_nice is not None:
                out["peer_nice"] = renice_threads(call.b.proc.pid if call.b and call.b.proc else None, peer_nice)
            out["idle"] = phase(lab, call, seconds, False)
            out["fire"] = phase(lab, call, seconds, True)
            mark = lab.mark()
            bm = call.b.mark()
            lab.send("hangup")
            out["ended"] = lab.wait_for(r"phone: call ended \(local hangup", timeout=20, start=mark) is not None
            out["closed"] = call.b.wait_event("CALL_CLOSED", timeout=15, start=bm) is not None
            early = re.search(r"phone: call ended.*", "\n".join(lab.console[:mark]))
            out["ended_early"] = early is not None
            out["end_line"] = early.group(0) if early else ""
            if early:
                lines = lab.console[:mark]
                idx = max(i for i, l in enumerate(lines) if "phone: call ended" in l)
                out["end_context"] = "\n".join(lines[max(0, idx - 15):idx + 1])
        finally:
            call.stop()
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    spinners = "--user-spinners" in sys.argv[1:]
    seconds = int(args[0]) if args else 60
    if spinners:
        print("guest busy work: two ring-3 spinners (bg=spinner,spinner) from boot, in both phases")
    out = run(seconds, user_spinners=spinners)
    if not out:
        return 1
    print(f"time from kernel entry to registered: {out['registered_ms']} ms")
    if "qemu_nice" in out:
        print(f"QEMU's threads at host nice {QEMU_NICE} ({out['qemu_nice']} threads), ahead of the fire's")
    if "peer_nice" in out:
        print(f"baresip's threads at host nice {PEER_NICE} ({out['peer_nice']} threads)")
    for name in ("idle", "fire"):
        print(f"{name}: phone   {fmt(out[name]['phone'])}")
        print(f"{name}: baresip {fmt(out[name]['baresip'])}")
        p, b = out[name]["phone"], out[name]["baresip"]
        if p and b and b["p99"] > 0:
            print(f"{name}: phone p99 / baresip p99 = {p['p99'] / b['p99']:.2f}")
        print(f"{name}: pacer   {fmt_attr(out[name].get('attribution'))}")
        print(f"{name}: speaker {fmt_speaker(out[name].get('speaker'))}")
        waits = out[name].get("host_wait_ms_per_s") or {}
        print(f"{name}: QEMU threads waiting for a host CPU (ms per s): " +
              ", ".join(f"{k} {v:.1f}" for k, v in sorted(waits.items()) if v >= 0.05))
    a, z = out["fire"]["before"], out["fire"]["after"]
    print(f"under fire: AC97 underruns +{z.get('audio_underruns', 0) - a.get('audio_underruns', 0)}, "
          f"SIP rate-limited +{z.get('rate_limited', 0) - a.get('rate_limited', 0)}, "
          f"bans +{z.get('bans', 0) - a.get('bans', 0)}, malformed +{z.get('malformed', 0) - a.get('malformed', 0)}")
    print(f"call ended normally: {out['ended'] and out['closed'] and not out['ended_early']} "
          f"(phone saw local hangup: {out['ended']}, baresip closed: {out['closed']}, "
          f"ended before the hang-up: {out['ended_early']})")
    if out.get("end_context"):
        print("the call ended early; console before that:\n" + out["end_context"])
    print(f"host: {os.cpu_count()} cores, accel {os.environ.get('OFFHOOK_ACCEL', 'tcg')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
