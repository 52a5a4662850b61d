#!/usr/bin/env python3
"""Added latency, send direction (benchmark, not a test): how long after a sound reaches the
phone's microphone the RTP carrying it is on the wire.

In the lab the phone's microphone is QEMU's AC97 capture fed from a raw file through ALSA
(tools/peers/mic.py): silence with a 60 ms 1 kHz burst every 8023 samples (just over a second, so that the bursts
fall at every offset in the phone's 20 ms frames). The
phone calls baresip through Kamailio; tshark on the tap timestamps the phone's RTP, and the
first packet whose audio holds a burst (and the sample in it where the burst starts) marks it
on the wire.

When the burst reached the microphone: the file is read in real time (PulseAudio's clock), so
sample k was there at t0 + k / 8000. A poller reads QEMU's position in the file every
millisecond; every reading (t, pos) bounds t0 <= t - pos / 16000 (QEMU cannot read a sample
before it exists), and the tightest bound is taken as t0 (the host's audio delivering the
sample at once). Latency = wire time - (t0 + k / 8000). One t0 serves the whole run: were the
host to stall QEMU long enough for ALSA's capture to overrun, the file would fall behind for
good and every later burst would carry that as latency (the run is for a quiet host; the
phone's own part below does not depend on it).

Split of that figure:
- packetization: the rest of the 20 ms frame after the burst's first sample must be captured
  before the packet can leave ((160 - offset) / 8000): what any phone sending 20 ms packets
  adds, printed apart;
- the phone's own part, from its own records (`onsets`: when the codec's DMA completed the
  capture frame with the burst, and when the media thread took it), turned into host time by
  the guest/wire clock fit of the pacer's records (tools/bench/latency.py; anchored on the
  pacer's send times, it folds the transmit path's median, well under 1 ms, into the offset
  instead of the phone's part): DMA completion ->
  wire, split into completion -> taken by the media thread (the capture reserve and the wait
  for the media tick) and taken -> wire (encoding, the pacer's queue, the transmit path);
- the rest is QEMU's AC97 capture model and ALSA between the microphone and the DMA.

Usage: tools/bench/latency_send.py [SECONDS [SETTLE]]   (defaults 30, and 10 s after registration)
AUDIO_TIMER_US=N sets QEMU's audio timer period (default 10 ms, in whose steps the emulated
codec's DMA moves; a real codec's DMA moves continuously).
"""
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, HERE)
import latency  # noqa: E402
import netlab  # noqa: E402
import rtp_rhythm  # noqa: E402
from peers import audio, baresip, kamailio, mic, proc  # noqa: E402

PHONE_IP = "192.0.2.10"
RATE = 8000
FRAME = 160
BURST = 480    # 60 ms
PERIOD = 8023  # samples from one burst to the next: just over 1 s, so that the bursts fall at
               # every offset of the phone's 20 ms frames (and packetization is a talker's average)
PERIOD_S = PERIOD / RATE


class Poller(threading.Thread):
    """Reads QEMU's position in the microphone file every millisecond: [(time, pos)] at each change."""

    def __init__(self, fdinfo):
        super().__init__(daemon=True)
        self.fdinfo, self.readings, self.stop = fdinfo, [], threading.Event()

    def run(self):
        last = None
        while not self.stop.is_set():
            try:
                with open(self.fdinfo) as f:
                    m = re.search(r"^pos:\s+(\d+)", f.read(), re.M)
            except OSError:
                return
            t = time.time()
            if m and m.group(1) != last:
                last = m.group(1)
                self.readings.append((t, int(last)))
            time.sleep(0.001)


def wire_onsets(pcap, lab):
    """[(wire time, RTP sequence number, offset of the burst's first sample in the packet)] of
    the phone's RTP."""
    r = lab.ns("tshark", "-r", pcap, "-d", "udp.port==4000,rtp", "-Y",
               f"ip.src=={PHONE_IP} && udp.srcport==4000 && rtp && (rtp.p_type==0 || rtp.p_type==8)",
               "-T", "fields", "-e", "frame.time_epoch", "-e", "rtp.seq", "-e", "rtp.p_type", "-e", "rtp.payload",
               check=False, timeout=120)
    stream = []  # (wire time, seq, offset, sample)
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) < 4:
            continue
        t, seq, pt, payload = float(f[0]), int(f[1]), int(f[2]), bytes.fromhex(f[3].replace(":", ""))
        dec = audio._alaw if pt == 8 else audio._ulaw
        for j, b in enumerate(payload):
            stream.append((t, seq, j, dec(b) / 32768.0))
    idx = latency.onsets([s for *_, s in stream])
    return [stream[i][:3] for i in idx]


def run(seconds, settle=10):
    if mic.missing():
        print("missing " + ", ".join(mic.missing()) + ": run `make deps` (tools/deps.sh installs them)")
        return None
    subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/kernel.elf", "userland"], check=True,
                   capture_output=True)
    with netlab.Lab() as lab:
        k = kamailio.Kamailio(lab.name, lab.tmp, users={"1000": "secret1000", "2000": "secret2000"})
        b = pulse = ts = poller = None
        try:
            k.start()
            b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000", auto_answer=True)
            b.start(timeout=20)
            home = os.path.join(lab.tmp, "alsa")
            os.makedirs(home)
            raw = os.path.join(home, "mic.raw")
            # Capture runs from boot: long enough for the boot, the settling, the call and a margin.
            subprocess.run(["sox", "-r", str(RATE), "-n", "-r", str(RATE), "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw",
                            raw, "synth", f"{BURST}s", "sine", "1000", "vol", "0.5", "pad", "0",
                            f"{PERIOD - BURST}s", "repeat", str(120 + settle + seconds)], check=True)
            pulse, sock, ok, plog = mic.start_pulse(lab.name, home)
            if not ok:
                print("pulseaudio did not start: " + proc.read(plog)[-600:])
                return None
            mic.write_asoundrc(home, sock, raw)
            lab.boot(f"net={PHONE_IP}/24,gw=192.0.2.1 sip.server=192.0.2.1 sip.user=1000 sip.password=secret1000 "
                     "rtp.ports=4000-4001 phone.tone=0", smp=2, env=dict(os.environ, HOME=home),
                     extra=["-device", "AC97,audiodev=snd", "-audiodev",
                            mic.audiodev(timer_us=os.environ.get("AUDIO_TIMER_US"))])
            if not lab.wait_for(r"phone: registered", timeout=90):
                print("not registered: " + lab.console_text()[-600:])
                return None
            time.sleep(settle)
            fdinfo = mic.file_fdinfo(lab.qemu.pid, raw)
            if not fdinfo:
                print("QEMU has not opened the microphone file")
                return None
            poller = Poller(fdinfo)
            poller.start()
            pcap = os.path.join(lab.tmp, "rtp.pcap")
            ts = lab.ns_popen("tshark", "-q", "-i", lab.tap, "-f", f"udp and src host {PHONE_IP}", "-w", pcap,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.5)
            mark = lab.mark()
            lab.send("dial 2000")
            if not lab.wait_for(r"phone: call answered", timeout=30, start=mark):
                print("call not answered: " + lab.console_text()[-600:])
                return None
            lab.send("pacer reset")
            time.sleep(seconds)
            poller.stop.set()
            poller.join(timeout=5)
            _, records = rtp_rhythm.read_pacer(lab)
            mo = lab.mark()
            lab.send("onsets")
            lab.wait_for(r"onsets: \d+ capture \d+", timeout=10, start=mo)
            with lab.console_lock:
                lines = lab.console[mo:]
            captured = []  # (guest time the DMA completed the frame, guest time it was taken, sample)
            reads = None
            for line in lines:
                m = re.search(r"capture reads found 0/1/2/more frames: (\d+) (\d+) (\d+) (\d+)", line)
                if m:
                    reads = tuple(int(x) for x in m.groups())
                m = re.search(r"capture onset: frame \d+ sample (\d+) completed (\d+) us taken (\d+) us", line)
                if m and int(m.group(2)):
                    captured.append((int(m.group(2)) / 1e6, int(m.group(3)) / 1e6, int(m.group(1))))
            lab.send("hangup")
            lab.wait_for(r"phone: call ended", timeout=20, start=mark)
            ts.send_signal(signal.SIGINT)
            ts.wait(timeout=15)
            ts = None
            fit = latency.clock_fit(records, rtp_rhythm.wire_seq_times(pcap, lab, PHONE_IP, 4000))
            if not fit:
                print(f"too few pacer records on the wire ({len(records)} records)")
                return None
            to_host, spread_ms, slope = fit
            readings = poller.readings
            if len(readings) < 100:
                print(f"too few readings of QEMU's file position ({len(readings)})")
                return None
            t0 = min(t - pos / (2 * RATE) for t, pos in readings)
            span = (readings[0][0], readings[-1][0])
            total, packetization, own, to_media, media_to_wire, offsets_agree = [], [], [], [], [], 0
            onsets_on_wire = wire_onsets(pcap, lab)
            for t_wire, seq, offset in onsets_on_wire:
                burst = int((t_wire - t0) // PERIOD_S)
                t_mic = t0 + burst * PERIOD_S
                if not (span[0] <= t_mic <= span[1]) or not 0 < t_wire - t_mic < 0.6:
                    continue
                total.append((t_wire - t_mic) * 1000)
                packetization.append((FRAME - offset) / RATE * 1000)
                # The phone's record of the same burst: the latest DMA completion before the wire.
                mine = [c for c in captured if 0 < t_wire - to_host(c[0]) < 0.5]
                if mine:
                    done, taken, sample = mine[-1]
                    own.append((t_wire - to_host(done)) * 1000)
                    to_media.append((taken - done) * 1000)
                    media_to_wire.append((t_wire - to_host(taken)) * 1000)
                    offsets_agree += sample == offset
            s = {}
            m0 = lab.mark()
            lab.send("stats")
            m = lab.wait_for(r"stats: rtp_sent=.*", timeout=10, start=m0)
            if m:
                s = {kk: int(v) for kk, v in re.findall(r"(\w+)=(-?\d+)", m.group(0))}
            return {"total_ms": total, "packetization_ms": packetization, "own_ms": own, "to_media_ms": to_media,
                    "media_to_wire_ms": media_to_wire, "offsets_agree": offsets_agree, "capture_reads": reads,
                    "onsets_on_wire": len(onsets_on_wire), "captured_onsets": len(captured), "stats": s,
                    "clock_fit_spread_ms": spread_ms, "clock_slope_ppm": slope * 1e6, "readings": len(readings)}
        finally:
            if poller:
                poller.stop.set()
            if ts:
                ts.send_signal(signal.SIGINT)
            if b:
                b.stop()
            k.stop()
            if pulse:
                proc.stop(pulse)


def median(v):
    return statistics.median(v) if v else float("nan")


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    settle = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    out = run(seconds, settle)
    if not out or not out["total_ms"]:
        print("no latency figures", out and {kk: v for kk, v in out.items() if not kk.endswith("_ms")})
        return 1
    tot, pk = sorted(out["total_ms"]), out["packetization_ms"]
    print(f"send: microphone -> RTP on the wire, {len(tot)} bursts: median {median(tot):.1f} ms, min {tot[0]:.1f}, "
          f"max {tot[-1]:.1f}; of which packetization (the rest of the 20 ms frame) median {median(pk):.1f} ms")
    own = sorted(out["own_ms"])
    if own:
        print(f"the phone's own part (the codec's DMA completing the frame -> wire, from its onset records), "
              f"{len(own)} bursts: median {median(own):.1f} ms, min {own[0]:.1f}, max {own[-1]:.1f}; "
              f"completion -> taken by the media thread median {median(out['to_media_ms']):.1f} ms, "
              f"taken -> wire median {median(out['media_to_wire_ms']):.1f} ms; QEMU's capture model and ALSA "
              f"before the completion: median {median(tot) - median(pk) - median(own):.1f} ms")
        print(f"check: the burst's offset in the frame agrees between the phone's record and the wire in "
              f"{out['offsets_agree']}/{len(own)} bursts")
    s = out["stats"]
    if out.get("capture_reads"):
        r = out["capture_reads"]
        print(f"the capture reserve's reads since boot found 0 / 1 / 2 / more frames: {r[0]} / {r[1]} / {r[2]} / {r[3]} "
              f"(it trims its cushion frame only after a minute of reads that all found 2 or more)")
    print(f"phone counters: capture reserve depth {s.get('capture_depth')} (max {s.get('capture_max_depth')}), "
          f"capture underruns {s.get('capture_underruns')}, discarded {s.get('capture_discarded')}")
    print(f"guest/wire clock fit: residual spread {out['clock_fit_spread_ms']:.2f} ms, guest clock rate error "
          f"{out['clock_slope_ppm']:.0f} ppm; {out['readings']} readings of QEMU's file position")
    return 0


if __name__ == "__main__":
    sys.exit(main())
