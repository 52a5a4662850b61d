#!/usr/bin/env python3
"""Capture checked at the peer (issue 12): the phone's microphone is QEMU's AC97 capture, fed
through ALSA's `file` PCM (`infile`) from a raw 700 Hz sine at 8 kHz made with sox. The phone
dials baresip through Kamailio in the lab; baresip answers and records what it receives.
The tone must be heard at baresip, and the same RTP is decoded off the wire (tshark on the
tap) and judged alike:

- frequency: the dominant frequency of each 1 s window is 700 +- 1 Hz (1 Hz = 1/T, the
  resolution of a 1 s window), in at least 90% of the windows;
- level: each 20 ms block must be within -12/+3 dB of the level fed in (measured on the
  file: -9 dBFS RMS for sox's `vol 0.5`);
- SINAD: each block's fit of a 700 Hz sinusoid must leave at least 30 dB of it above the
  residue (G.711's quantization bounds a clean tone near 38 dB); a hole, a click, a second
  tone or a garbled frame fails the block;
- presence: at least 95% of the recording's blocks pass both, and the recording covers at
  least 90% of the call as timed by this script;
- the rig itself: QEMU read the tone file during the call at about 16000 bytes a second
  (its file position, from /proc), so the sound came from that file.

The phone runs with `phone.tone=0`: should its capture not be live, it sends silence (not a
test tone) and the test fails. The ALSA slaves that give the file plugin its clock are
PulseAudio null-sink streams (a real-time clock without a sound card; ALSA's `null` PCM has
none, so the guest would run many times faster than real time). Capture is clocked by the
speaker's own sink (its monitor), as one codec crystal clocks both directions; without the
file plugin the phone would send back baresip's 1 kHz and fail.

Prints PASS/FAIL lines (prefix capture/) and exits 0. CAPTURE_SECONDS sets the call length
(default 20), CAPTURE_TONE_HZ the tone fed in (default 700; set another to see it fail),
CAPTURE_ALSA_DEFAULT_BUFFERS=1 leaves QEMU's ALSA buffer and period sizes at their defaults.
"""
import array
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import netlab  # noqa: E402
from peers import audio, baresip, kamailio, mic, proc  # noqa: E402

PHONE_IP = "192.0.2.10"
PHONE_RTP_PORT = 4000
SECONDS = int(os.environ.get("CAPTURE_SECONDS", "20"))
ALSA_DEFAULT_BUFFERS = os.environ.get("CAPTURE_ALSA_DEFAULT_BUFFERS") == "1"
EXPECT_HZ = 700
FEED_HZ = float(os.environ.get("CAPTURE_TONE_HZ", str(EXPECT_HZ)))
FEED_VOL = 0.5  # sox's peak amplitude; the level fed in is measured on the file made
WINDOW_S = 1.0
FREQ_TOLERANCE = 1.0 / WINDOW_S
LEVEL_BELOW, LEVEL_ABOVE = 12, 3  # dB around the level fed in
MIN_SINAD_DB = 30.0
MIN_PRESENT = 0.95
BYTES_PER_S = mic.BYTES_PER_S  # the raw tone: 8 kHz, mono, 16-bit
TOOLS = {"qemu-system-x86_64": "qemu-system-x86", "sox": "sox", "tshark": "tshark", "baresip": "baresip",
         "kamailio": "kamailio", "pulseaudio": "pulseaudio"}


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} capture/{name}{'' if ok else ': ' + str(detail)[:700]}", flush=True)


def missing_tools():
    gone = [f"{t} (package {p})" for t, p in TOOLS.items() if not shutil.which(t)]
    return gone + mic.missing()


def wait_wav_closed(b, timeout):
    """baresip's newest received-audio WAV once sndfile has closed it (its header then counts
    every byte of the file), or None."""
    deadline = time.time() + timeout
    while True:
        rec = b.recording("dec")
        if rec:
            try:
                with wave.open(rec, "rb") as f:
                    data = f.getnframes() * f.getsampwidth() * f.getnchannels()
                if data > 0 and os.path.getsize(rec) - data <= 128:
                    return rec
            except (OSError, EOFError, wave.Error):
                pass
        if time.time() >= deadline:
            return None
        time.sleep(0.1)


def raw_dbfs(path, seconds=1.0):
    """RMS level (dBFS) of the first `seconds` of a raw 8 kHz mono S16LE file."""
    a = array.array("h")
    with open(path, "rb") as f:
        a.frombytes(f.read(int(seconds * BYTES_PER_S)))
    if sys.byteorder == "big":
        a.byteswap()
    return audio.rms_dbfs([v / 32768.0 for v in a])


def judge(name, w, call_s, feed_dbfs):
    """The checks of the docstring on one signal (baresip's recording or the wire)."""
    windows = [audio.dominant_frequency(w, s, WINDOW_S) for s in range(int(w.seconds / WINDOW_S))]
    in_tol = [f for f in windows if abs(f - EXPECT_HZ) <= FREQ_TOLERANCE]
    blocks = audio.sinad_blocks(w, EXPECT_HZ)
    lo, hi = feed_dbfs - LEVEL_BELOW, feed_dbfs + LEVEL_ABOVE
    good = [b for b in blocks if lo <= b[1] <= hi and b[2] >= MIN_SINAD_DB]
    bad = [(b[0], round(b[1], 1), round(b[2], 1)) for b in blocks if b not in good]
    share = len(good) / len(blocks) if blocks else 0.0
    levels = [b[1] for b in good] or [b[1] for b in blocks if b[1] > -200] or [-200.0]
    sinads = [b[2] for b in good] or [b[2] for b in blocks] or [0.0]
    print(f"info: {name}: {w.seconds:.2f} s for a {call_s:.2f} s call; dominant per {WINDOW_S:g} s: "
          f"median {statistics.median(windows) if windows else 0} Hz, range "
          f"{min(windows, default=0)}-{max(windows, default=0)} Hz, {len(in_tol)}/{len(windows)} within "
          f"{FREQ_TOLERANCE:g} Hz; blocks passing {len(good)}/{len(blocks)} ({share:.1%}); level median "
          f"{statistics.median(levels):.1f} dBFS (fed {feed_dbfs:.1f}); SINAD median "
          f"{statistics.median(sinads):.1f} dB, min {min(sinads):.1f} dB; failing blocks (s, dBFS, dB) {bad[:12]}",
          flush=True)
    result(f"{name}_dominant_700hz", windows and len(in_tol) >= 0.9 * len(windows),
           f"{len(in_tol)}/{len(windows)} windows at {EXPECT_HZ} +- {FREQ_TOLERANCE:g} Hz: {windows[:12]}")
    result(f"{name}_tone_level_and_sinad", share >= MIN_PRESENT,
           f"{share:.1%} of {len(blocks)} blocks at {lo:.1f}..{hi:.1f} dBFS with SINAD >= "
           f"{MIN_SINAD_DB:g} dB (level median {statistics.median(levels):.1f}, SINAD median "
           f"{statistics.median(sinads):.1f}); failing at {bad[:15]}")
    result(f"{name}_covers_the_call", w.seconds >= 0.9 * call_s, f"{w.seconds:.2f} s of audio, call {call_s:.2f} s")


def main():
    gone = missing_tools()
    if gone:
        result("tools", False, "missing " + ", ".join(gone) + ": run `make deps` (tools/deps.sh installs them)")
        return 0
    r = subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/kernel.elf", "userland"], capture_output=True, text=True)
    if r.returncode:
        result("build", False, r.stderr[-500:])
        return 0
    with netlab.Lab() as lab:
        k = kamailio.Kamailio(lab.name, lab.tmp, users={"1000": "secret1000", "2000": "secret2000"})
        b = pulse = ts = None
        try:
            k.start()
            b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000", auto_answer=True)
            b.start(timeout=20)
            home = os.path.join(lab.tmp, "alsa")
            os.makedirs(home)
            # Long enough for the longest boot this script waits for, the call and a margin:
            # capture starts with the codec, at boot.
            raw = os.path.join(home, "mic.raw")
            subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw",
                            raw, "synth", str(90 + SECONDS + 60), "sine", f"{FEED_HZ:g}", "vol", str(FEED_VOL)],
                           check=True)
            feed_dbfs = raw_dbfs(raw)
            pulse, sock, ok, plog = mic.start_pulse(lab.name, home)
            if not ok:
                result("pulseaudio", False, proc.read(plog)[-600:])
                return 0
            mic.write_asoundrc(home, sock, raw)
            lab.boot(f"net={PHONE_IP}/24,gw=192.0.2.1 sip.server=192.0.2.1 sip.user=1000 sip.password=secret1000 rtp.ports=4000-4001 "
                     "phone.tone=0", smp=2, env=dict(os.environ, HOME=home),
                     extra=["-device", "AC97,audiodev=snd", "-audiodev", mic.audiodev(ALSA_DEFAULT_BUFFERS)])
            if not lab.wait_for(r"phone: registered", timeout=90):
                result("registered", False, lab.console_text()[-500:])
                return 0
            pcap = os.path.join(lab.tmp, "tx.pcap")
            tslog = os.path.join(lab.tmp, "tshark.log")
            ts = lab.ns_popen("tshark", "-q", "-i", lab.tap, "-f",
                              f"udp and src host {PHONE_IP} and src port {PHONE_RTP_PORT}",
                              "-F", "pcap", "-w", pcap, stdout=subprocess.DEVNULL, stderr=open(tslog, "w"))
            if not proc.wait_log(tslog, r"Capturing on", timeout=30, proc=ts):
                result("tshark", False, proc.read(tslog)[-400:])
                return 0
            mark, bm = lab.mark(), b.mark()
            lab.send("dial 2000")
            est = b.wait_event("CALL_ESTABLISHED", timeout=30, start=bm)
            if not lab.wait_for(r"phone: call answered", timeout=30, start=mark) or not est:
                result("call", False, lab.console_text()[-500:])
                return 0
            t0, pos0 = time.time(), mic.file_position(lab.qemu.pid, raw)
            time.sleep(SECONDS)  # the call's length: what is judged is what it carried
            t1, pos1 = time.time(), mic.file_position(lab.qemu.pid, raw)
            smark = lab.mark()
            lab.send("stats")
            stats = lab.wait_for(r"stats: rtp_sent=.*", timeout=10, start=smark)
            print(f"info: phone {stats.group(0) if stats else 'stats: none'}", flush=True)
            bm = b.mark()
            lab.send("hangup")
            closed = b.wait_event("CALL_CLOSED", timeout=20, start=bm)
            ended = lab.wait_for(r"phone: call ended", timeout=20, start=mark)
            call_s = (closed["time"] if closed else time.time()) - est["time"]
            result("call", closed is not None and ended is not None, lab.console_text()[-400:])
            ts.send_signal(signal.SIGINT)
            ts.wait(timeout=15)
            ts = None

            rate = (pos1 - pos0) / (t1 - t0) if pos0 is not None and pos1 is not None else 0.0
            print(f"info: QEMU read the tone file at {rate:.0f} bytes/s during the call "
                  f"(position {pos0} -> {pos1} in {t1 - t0:.1f} s)", flush=True)
            result("qemu_reads_the_tone_file", abs(rate - BYTES_PER_S) <= 0.1 * BYTES_PER_S,
                   f"{rate:.0f} bytes/s, expected {BYTES_PER_S} +- 10% (positions {pos0} -> {pos1})")
            rec = wait_wav_closed(b, timeout=10)
            if rec:
                judge("baresip", audio.load(rec), call_s, feed_dbfs)
            else:
                result("baresip_recording", False, "baresip recorded nothing")
            wire = audio.pcap_audio(pcap)
            judge("wire", wire, call_s, feed_dbfs)
        finally:
            if ts:
                ts.send_signal(signal.SIGINT)
            if b:
                b.stop()
            k.stop()
            if pulse:
                proc.stop(pulse)
    return 0


if __name__ == "__main__":
    sys.exit(main())
