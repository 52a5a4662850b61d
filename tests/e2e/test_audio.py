#!/usr/bin/env python3
"""AC97 end to end in QEMU:

- playback: `audio.test=1000:3` plays a 1 kHz sine through the AC97 codec into QEMU's `wav`
  backend; the WAV must hold 1000 +- 2 Hz for at least 2.9 s in one run, with no gap;
- capture: QEMU's ALSA backend reads the AC97 line/mic input from an ALSA `file` PCM whose
  infile is a 700 Hz sine made with sox; the kernel must report capture live for at least a
  third of the test's 150 frames and measure 700 Hz (zero crossings, +- 10 Hz) at a real level.
  The file's clock is a PulseAudio null sink (tools/peers/mic.py), as in test_capture.py: with
  ALSA's `null` PCM under both directions (no clock), the guest played its 150 frames in 2 s and
  captured 46-49 live, a count that followed the host's speed.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import qemu  # noqa: E402
from peers import audio, mic, proc  # noqa: E402


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} audio/{name}{'' if ok else ': ' + detail}", flush=True)


def main():
    r = subprocess.run(["make", "-C", qemu.ROOT, "--no-print-directory", "build/kernel.elf", "userland"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        result("build", False, "kernel build failed")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "speaker.wav")
        code, out, _ = qemu.boot("audio.test=1000:3", smp=2, timeout=90,
                                 extra=["-device", "AC97,audiodev=snd", "-audiodev", f"wav,id=snd,path={wav}"])
        ok_boot = code == 0 and "ac97: codec up" in out
        result("codec_up", ok_boot, f"exit {code}; {out[-400:]!r}")
        if os.path.exists(wav):
            w = audio.load(wav)
            p = audio.tone_presence(w, 1000, tolerance=2)
            longest = p["longest"][1] if p["longest"] else 0
            result("playback_1khz_3s", longest >= 2.9 and p["within_tolerance"],
                   f"longest 1 kHz run {longest:.2f} s, runs {p['runs']}, dominant {p['frequency']} Hz")
            g = audio.gaps(w, min_gap_ms=10)
            # Only gaps inside the tone count; the file also holds the silence after it.
            start, end = (p["longest"][0], p["longest"][0] + p["longest"][1]) if p["longest"] else (0, 0)
            inner = [x for x in g if start < x[0] < end]
            result("playback_no_gap", not inner, f"gaps {inner}")
        else:
            result("playback_1khz_3s", False, "QEMU wrote no WAV")

        # Capture through ALSA's file plugin, clocked by a PulseAudio null sink.
        gone = mic.missing() + ([] if shutil.which("pulseaudio") else ["pulseaudio (package pulseaudio)"])
        if gone:
            result("capture_700hz", False, "missing " + ", ".join(gone) + ": run `make deps`")
            return 0
        raw = os.path.join(tmp, "mic.raw")
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw",
                        raw, "synth", "60", "sine", "700", "vol", "0.5"], check=True)
        pulse, sock, started, plog = mic.start_pulse(None, tmp)
        if not started:
            result("capture_700hz", False, "pulseaudio did not start: " + proc.read(plog)[-400:])
            proc.stop(pulse)
            return 0
        mic.write_asoundrc(tmp, sock, raw)
        env_home = os.environ.get("HOME")
        os.environ["HOME"] = tmp
        try:
            code, out, _ = qemu.boot("audio.test=1000:3", smp=2, timeout=120,
                                     extra=["-device", "AC97,audiodev=snd", "-audiodev", mic.audiodev()])
        finally:
            proc.stop(pulse)
            if env_home is not None:
                os.environ["HOME"] = env_home
        m = re.search(r"audio: capture live for (\d+) frames, dominant (\d+) Hz, rms (\d+)", out)
        print(f"info: {m.group(0) if m else 'no capture report'}", flush=True)
        ok = m is not None and int(m.group(1)) >= 50 and abs(int(m.group(2)) - 700) <= 10 and int(m.group(3)) > 1000
        result("capture_700hz", ok, m.group(0) if m else f"no capture report; {out[-500:]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
