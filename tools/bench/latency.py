#!/usr/bin/env python3
"""Added latency, receive direction (benchmark, not a test): how long after an RTP packet
reaches the phone its audio is played by the codec.

In the lab, baresip (through Kamailio) sends a marker: silence with a 60 ms 1 kHz burst
every second. tshark timestamps each RTP packet reaching the phone; the first packet of a
burst, and the sample in it where the burst starts, mark its arrival. The phone plays
through AC97 into QEMU's wav backend at 8 kHz: the codec's clock puts sample k of that file
at (playback start + k / 8000), the start being the guest's own "playback started at" time
turned into host time with the offset between the guest's clock and the wire that the RTP
pacer's records give (they are the wire's to a fraction of a millisecond, see
rtp_rhythm.attribute). Latency = when the burst's first sample plays - when the packet
carrying it arrived.

Also printed: the phone's jitter-buffer depth and the AC97 ring depth it keeps, and what the
send direction adds inside the guest (the pacer's queue).

Usage: tools/bench/latency.py [SECONDS [SETTLE]]   (defaults 30, and 70 s idle after boot before the call)
AUDIO_TIMER_US=N sets QEMU's audio timer period (default 10 ms, in whose steps the emulated
codec's DMA moves; a real codec's DMA moves continuously).
"""
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
sys.path.insert(0, HERE)
import netlab  # noqa: E402
import rtp_rhythm  # noqa: E402
from peers import audio, baresip, kamailio  # noqa: E402

PHONE_IP = "192.0.2.10"
RATE = 8000


def onsets(samples, threshold=0.05, quiet_ms=300):
    """Sample indexes where a burst starts: above threshold after quiet_ms of silence."""
    quiet = int(quiet_ms * RATE / 1000)
    out, last_loud = [], -10 ** 9
    for i, v in enumerate(samples):
        if abs(v) >= threshold:
            if i - last_loud > quiet:
                out.append(i)
            last_loud = i
    return out


def wire_bursts(pcap, lab):
    """[(arrival time of the packet with a burst's first sample, offset of that sample in
    the packet / 8000)] for the RTP reaching the phone's port 4000."""
    r = lab.ns("tshark", "-r", pcap, "-d", "udp.port==4000,rtp", "-Y",
               f"ip.dst=={PHONE_IP} && udp.dstport==4000 && rtp && (rtp.p_type==0 || rtp.p_type==8)",
               "-T", "fields", "-e", "frame.time_epoch", "-e", "rtp.p_type", "-e", "rtp.payload",
               check=False, timeout=120)
    stream = []  # (arrival, sample)
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) < 3:
            continue
        t, pt, payload = float(f[0]), int(f[1]), bytes.fromhex(f[2].replace(":", ""))
        dec = audio._alaw if pt == 8 else audio._ulaw
        for j, b in enumerate(payload):
            stream.append((t, j, dec(b) / 32768.0))
    idx = onsets([s for _, _, s in stream])
    return [(stream[i][0], stream[i][1] / RATE) for i in idx]


def clock_fit(records, wire):
    """Guest clock -> host clock from the pacer's records (guest send times) and the wire's
    times of the same RTP sequence numbers: a line through (guest time, wire - guest), a
    constant offset plus the guest's TSC calibration error. Returns (guest seconds -> host
    seconds, the residuals' spread in ms, the slope), or None with fewer than 50 points."""
    pts = [((r["deadline"] + r["sent"]) / 1e6, wire[r["seq"]]) for r in records if r["seq"] in wire]
    if len(pts) < 50:
        return None
    gx = [g for g, _ in pts]
    dy = [w - g for g, w in pts]
    mx, my = statistics.mean(gx), statistics.median(dy)
    sxx = sum((g - mx) ** 2 for g in gx) or 1.0
    slope = sum((g - mx) * (d - my) for g, d in zip(gx, dy)) / sxx
    diffs = [d - (my + slope * (g - mx)) for g, d in zip(gx, dy)]
    return (lambda g: g + my + slope * (g - mx)), (max(diffs) - min(diffs)) * 1000, slope


def run(seconds, settle=70):
    subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/kernel.elf", "userland"], check=True,
                   capture_output=True)
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        k = kamailio.Kamailio(lab.name, lab.tmp, users={"1000": "secret1000", "2000": "secret2000"})
        b = None
        ts = None
        try:
            k.start()
            marker = os.path.join(lab.tmp, "marker.wav")
            subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", marker, "synth", "0.06", "sine",
                            "1000", "vol", "0.5", "pad", "0", "0.94", "repeat", str(seconds + 60)], check=True)
            b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000", auto_answer=True,
                                source_wav=marker)
            b.start(timeout=20)
            speaker = os.path.join(lab.tmp, "speaker.wav")
            lab.boot(f"net={PHONE_IP}/24,gw=192.0.2.1 sip.server=192.0.2.1 sip.user=1000 sip.password=secret1000 rtp.ports=4000-4001 "
                     "phone.tone=0", smp=2,
                     extra=["-device", "AC97,audiodev=snd", "-audiodev",
                            f"wav,id=snd,path={speaker},out.frequency=8000,out.channels=1"
                            + (f",timer-period={os.environ['AUDIO_TIMER_US']}" if os.environ.get("AUDIO_TIMER_US") else "")])
            started = lab.wait_for(r"ac97: codec up.*playback started at (\d+) us", timeout=60)
            booted = time.time()
            if not lab.wait_for(r"phone: registered", timeout=90) or not started:
                print("no registration or no AC97: " + lab.console_text()[-600:])
                return None
            # The phone steers its playback cushion by a minute of its own lateness before it
            # lets it shrink (sip/media/output_cushion.h): a call placed right after boot would
            # measure the start-up cushion, not the phone as it is when it rings.
            if settle:
                time.sleep(max(0.0, settle - (time.time() - booted)))
            pcap = os.path.join(lab.tmp, "rtp.pcap")
            ts = lab.ns_popen("tshark", "-q", "-i", lab.tap, "-f", "udp", "-w", pcap,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.5)
            mark = lab.mark()
            lab.send("dial 2000")
            if not lab.wait_for(r"phone: call answered", timeout=30, start=mark):
                print("call not answered: " + lab.console_text()[-600:])
                return None
            lab.send("pacer reset")
            time.sleep(seconds)
            stats = {}
            m0 = lab.mark()
            lab.send("stats")
            m = lab.wait_for(r"stats: rtp_sent=.*", timeout=10, start=m0)
            if m:
                stats = {kk: int(v) for kk, v in re.findall(r"(\w+)=(-?\d+)", m.group(0))}
            pacer, records = rtp_rhythm.read_pacer(lab)
            mo = lab.mark()
            lab.send("onsets")
            lab.wait_for(r"onsets: \d+", timeout=10, start=mo)
            with lab.console_lock:
                lines = lab.console[mo:]
            fetches = []  # (guest time the DMA began the burst's first sample, us), from the phone
            for line in lines:
                om = re.search(r"onset: frame \d+ sample (\d+) written (\d+) us fetched (\d+) us", line)
                if om:
                    fetches.append((int(om.group(3)) / 1e6 + int(om.group(1)) / RATE,
                                    int(om.group(2)) / 1e6 + int(om.group(1)) / RATE))
            lab.send("hangup")
            lab.wait_for(r"phone: call ended", timeout=20, start=mark)
            ts.send_signal(signal.SIGINT)
            ts.wait(timeout=15)
            ts = None
            lab.send("poweroff")
            lab.qemu.wait(timeout=20)
            wire = rtp_rhythm.wire_seq_times(pcap, lab, PHONE_IP, 4000)
            fit = clock_fit(records, wire)
            if not fit:
                print(f"too few pacer records on the wire ({len(records)} records)")
                return None
            to_host, spread_ms, slope = fit
            t0 = int(started.group(1)) / 1e6
            start_host = to_host(t0)
            heard = audio.load(speaker).samples
            last_guest = max((r["deadline"] + r["sent"]) / 1e6 for r in records)
            print(f"check: speaker file {len(heard) / RATE:.3f} s; guest time from playback start to the last "
                  f"pacer send {last_guest - t0:.3f} s (the file must be longer: QEMU ran on to the exit)")
            arrivals = wire_bursts(pcap, lab)
            played = [start_host + i / RATE for i in onsets(heard)]
            lat = []
            for t_play in played:
                # The burst this is: the latest arrival before it (bursts are 1 s apart).
                before = [a for a in arrivals if a[0] < t_play and t_play - a[0] < 0.8]
                if before:
                    arrival, _ = before[-1]
                    lat.append((t_play - arrival) * 1000)
            # The phone's own part, from its own records: the codec's DMA beginning the frame
            # with the burst (on the guest clock, turned into host time by the fit above), plus
            # the burst's offset in that frame, against the arrival of the packet carrying it.
            own, ring = [], []
            for g, w in fetches:
                t_fetch = to_host(g)
                before = [a for a in arrivals if a[0] < t_fetch and t_fetch - a[0] < 0.8]
                if before:
                    own.append((t_fetch - before[-1][0]) * 1000)
                    ring.append((g - w) * 1000)
            # How far QEMU's AC97 model fetches ahead of the codec clock: frames its DMA had
            # completed by the stats line's time, against the frames the clock had played.
            # (A dry ring stops the DMA while the clock runs: that makes this smaller, and the
            # phone's share below larger, never the other way.)
            lead_ms = None
            if stats.get("at_us") and stats.get("audio_played_frames"):
                lead_ms = (stats["audio_played_frames"] * 0.020 - (stats["at_us"] / 1e6 - t0)) * 1000
            waits = sorted((r["sent"] - r["queued"]) / 1000 for r in records)
            return {"latency_ms": lat, "own_ms": own, "ring_ms": ring, "qemu_lead_ms": lead_ms, "pacer_wait_ms": waits, "bursts_sent": len(arrivals), "bursts_heard": len(played), "stats": stats,
                    "clock_fit_spread_ms": spread_ms, "pacer": pacer,
                    "clock_slope_ppm": slope * 1e6}
        finally:
            if ts:
                ts.send_signal(signal.SIGINT)
            if b:
                b.stop()
            k.stop()


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    settle = int(sys.argv[2]) if len(sys.argv) > 2 else 70
    out = run(seconds, settle)
    if not out or not out["latency_ms"]:
        print("no latency figures", out and {kk: v for kk, v in out.items() if kk != "latency_ms"})
        return 1
    lat = sorted(out["latency_ms"])
    s = out["stats"]
    print(f"receive: RTP arrival -> played by the codec, {len(lat)} bursts "
          f"(of {out['bursts_sent']} on the wire, {out['bursts_heard']} heard): "
          f"median {statistics.median(lat):.1f} ms, min {lat[0]:.1f}, max {lat[-1]:.1f}")
    own = sorted(out.get("own_ms") or [])
    if own:
        print(f"the phone's own part (RTP arrival -> the codec's DMA fetching that sample, from the phone's "
              f"onset records), {len(own)} bursts: median {statistics.median(own):.1f} ms, min {own[0]:.1f}, "
              f"max {own[-1]:.1f}; QEMU's AC97 + wav model after the fetch: median "
              f"{statistics.median(lat) - statistics.median(own):.1f} ms")
        ring = out.get("ring_ms") or []
        if ring:
            r = statistics.median(ring)
            print(f"  of the phone's part: arrival -> written to the codec's ring (network thread, media tick, "
                  f"jitter buffer) median {statistics.median(own) - r:.1f} ms; in the ring (the cushion) median {r:.1f} ms")
    if out.get("qemu_lead_ms") is not None:
        print(f"(cross-check, valid only if the ring never ran dry since boot: DMA completions ahead of the "
              f"codec clock {out['qemu_lead_ms']:.1f} ms)")
    w = out.get("pacer_wait_ms") or []
    if w:
        print(f"send: media loop -> wire (the pacer's queue) median {statistics.median(w):.1f} ms, "
              f"p95 {w[int(len(w) * 0.95)]:.1f} ms, on top of the 20 ms a frame takes to capture")
    print(f"phone counters: jitter {s.get('jitter_ms')} ms, late {s.get('late')}, concealed {s.get('concealed')}, "
          f"jb underruns {s.get('jb_underruns')}, AC97 underruns {s.get('audio_underruns')}; at the end: jitter buffer "
          f"{s.get('jb_depth_ms')} ms deep (target {s.get('jb_target_ms')} ms), AC97 ring "
          f"{s.get('audio_queued_frames')} frames of 20 ms (cushion {s.get('audio_cushion_frames')}, "
          f"{s.get('audio_cushion_changes')} changes; the worst late service used "
          f"{(s.get('audio_worst_deficit_us') or 0) / 1000:.1f} ms of it)")
    print(f"guest/wire clock fit: residual spread {out['clock_fit_spread_ms']:.2f} ms, "
          f"guest clock rate error {out['clock_slope_ppm']:.0f} ppm")
    return 0


if __name__ == "__main__":
    sys.exit(main())
