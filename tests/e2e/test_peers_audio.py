#!/usr/bin/env python3
"""tools/peers/audio.py against WAVs made with sox (known content), no lab needed:
dominant frequency at 8 kHz mono and 48 kHz stereo, tone presence and duration with a
tolerance (a 1003 Hz tone is not "1000 +- 2 Hz"), gap detection, silence, G.711 decoding
(every code against sox) and sipp's g711a.pcap read as RTP.
Prints PASS/FAIL/SKIP lines (prefix peers/audio_) and always exits 0.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from peers import audio  # noqa: E402


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} peers/audio_{name}{'' if ok else ': ' + detail}", flush=True)


def sox(*args):
    subprocess.run(["sox", *args], check=True, capture_output=True)


def main():
    if not shutil.which("sox"):
        print("FAIL peers/audio: sox is missing: run `make deps` (tools/deps.sh installs it)")
        return 0
    d = tempfile.mkdtemp(prefix="ohaudio-")
    try:
        p = lambda n: os.path.join(d, n)  # noqa: E731
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", p("t1000.wav"), "synth", "3", "sine", "1000")
        sox("-n", "-r", "48000", "-c", "2", "-b", "16", p("t440.wav"), "synth", "2", "sine", "440")
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", p("t1003.wav"), "synth", "2", "sine", "1003")
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", p("sil.wav"), "trim", "0", "0.3")
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", p("a.wav"), "synth", "1", "sine", "1000")
        sox(p("a.wav"), p("sil.wav"), p("a.wav"), p("gap.wav"))
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", p("quiet.wav"), "synth", "1", "sine", "1000",
            "vol", "0.001")

        f = audio.dominant_frequency(p("t1000.wav"))
        result("dominant_1000_8k", abs(f - 1000) <= 0.5, f"{f} Hz")
        f = audio.dominant_frequency(p("t440.wav"), start=0.5, seconds=1.0)
        result("dominant_440_48k_stereo", abs(f - 440) <= 0.5, f"{f} Hz")

        t = audio.tone_presence(p("t1000.wav"), 1000, 2)
        result("tone_1000_present", t["within_tolerance"] and abs(t["seconds"] - 3.0) < 0.03, f"{t}")
        t = audio.tone_presence(p("t440.wav"), 440, 5)
        result("tone_440_present_48k", t["within_tolerance"] and abs(t["seconds"] - 2.0) < 0.03, f"{t}")
        t = audio.tone_presence(p("t1003.wav"), 1000, 2)
        result("tone_1003_out_of_tolerance", not t["within_tolerance"] and abs(t["frequency"] - 1003) < 0.5,
               f"{t}")
        t = audio.tone_presence(p("t1000.wav"), 440, 5)
        result("tone_absent", t["seconds"] == 0 and not t["within_tolerance"], f"{t}")
        # 447 Hz passes the 20 ms blocks' energy test at 440 (their resolution is ~50 Hz):
        # only the measured frequency can say it is 7 Hz off, so it must count as absent.
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", p("t447.wav"), "synth", "2", "sine", "447")
        t = audio.tone_presence(p("t447.wav"), 440, 5)
        result("tone_447_not_440", t["seconds"] == 0 and t["longest"] is None and not t["within_tolerance"]
               and abs(t["frequency"] - 447) < 0.5 and len(t["off_frequency"]) == 1, f"{t}")
        # 1 s of 440 Hz, then 1 s of 452 Hz: only the first second is 440 within 5 Hz.
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", p("t452.wav"), "synth", "1", "sine", "452")
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", p("t440a.wav"), "synth", "1", "sine", "440")
        sox(p("t440a.wav"), p("sil.wav"), p("t452.wav"), p("drift.wav"))
        t = audio.tone_presence(p("drift.wav"), 440, 5)
        result("tone_counts_only_in_tolerance", abs(t["seconds"] - 1.0) < 0.03 and len(t["runs"]) == 1
               and len(t["off_frequency"]) == 1 and abs(t["off_frequency"][0][2] - 452) < 0.5, f"{t}")

        t = audio.tone_presence(p("gap.wav"), 1000, 2)
        runs = t["runs"]
        result("tone_runs_around_gap", len(runs) == 2 and abs(runs[0][1] - 1.0) < 0.03 and
               abs(runs[1][0] - 1.3) < 0.03 and abs(t["seconds"] - 2.0) < 0.05, f"{t}")
        g = audio.gaps(p("gap.wav"), min_gap_ms=40)
        result("gap_found", len(g) == 1 and abs(g[0][0] - 1.0) < 0.015 and abs(g[0][1] - 0.3) < 0.015,
               f"{g}")
        g = audio.gaps(p("t1000.wav"))
        result("no_gap_in_tone", g == [], f"{g}")
        a = audio.active_seconds(p("quiet.wav"))
        result("quiet_is_silence", a == 0 and audio.dominant_frequency(p("quiet.wav")) == 0.0, f"{a}")

        # G.711 expansion of all 256 codes, A-law and mu-law, against sox's decoder.
        with open(p("all.raw"), "wb") as fh:
            fh.write(bytes(range(256)))
        for law, fn in (("a-law", audio._alaw), ("u-law", audio._ulaw)):
            sox("-t", "raw", "-r", "8000", "-e", law, "-b", "8", "-c", "1", p("all.raw"),
                "-b", "16", p(f"{law}.wav"))
            w = audio.load(p(f"{law}.wav"))
            bad = [c for c in range(256) if round(w.samples[c] * 32768) != fn(c)]
            result(f"g711_{law.replace('-', '')}_matches_sox", len(w.samples) == 256 and not bad,
                   f"codes differing: {bad[:8]}")

        pcap = "/usr/share/sip-tester/g711a.pcap"
        if os.path.exists(pcap):
            ref = audio.pcap_audio(pcap)
            result("pcap_decoded", 6.9 < ref.seconds < 7.2 and audio.active_seconds(ref) > 5,
                   f"{ref.seconds} s, active {audio.active_seconds(ref)} s")
            c, lag = audio.envelope_similarity(ref, ref)
            c2, _ = audio.envelope_similarity(ref, p("t1000.wav"))
            result("envelope_similarity", c > 0.999 and lag == 0 and c2 < 0.5, f"self {c}, tone {c2}")
        else:
            print("FAIL peers/audio_pcap_decoded: no g711a.pcap: run `make deps` (package sip-tester)")

        # Discontinuities in a steady tone: none in a clean mu-law tone; one where two tones
        # are spliced 30 degrees apart in phase (1/12 of a 1 kHz period is not a whole
        # sample, so trim 1 ms + 1 sample: 45 degrees), one where 3 samples are cut out.
        sox("-n", "-r", "8000", "-c", "1", "-t", "ul", p("u.ul"), "synth", "10", "sine", "1000", "vol", "0.3")
        sox("-t", "ul", "-r", "8000", "-c", "1", p("u.ul"), "-b", "16", p("u.wav"))
        d0 = audio.discontinuities(p("u.wav"), 1000)
        result("clean_tone_no_discontinuity", d0["events"] == [] and d0["judged_s"] > 7.5, f"{d0}")
        sox(p("u.wav"), p("u1.wav"), "trim", "0", "5")
        sox(p("u.wav"), p("u2.wav"), "trim", "9s")     # 9 samples: 405 degrees = 45 degrees ahead
        sox(p("u1.wav"), p("u2.wav"), p("jump.wav"))
        d1 = audio.discontinuities(p("jump.wav"), 1000)
        result("phase_jump_found", len(d1["events"]) == 1 and abs(d1["events"][0] - 5.0) < 0.01, f"{d1}")
        sox(p("u.wav"), p("u3.wav"), "trim", "40003s")  # 5 s + 3 samples: 3 samples lost
        sox(p("u1.wav"), p("u3.wav"), p("cut.wav"))
        d2 = audio.discontinuities(p("cut.wav"), 1000)
        result("lost_samples_found", len(d2["events"]) == 1 and abs(d2["events"][0] - 5.0) < 0.01, f"{d2}")

        # SINAD per block: a clean 16-bit 700 Hz tone (sox's first and last blocks aside) is
        # far above G.711's ~38 dB; with white noise 40 dB below the tone's RMS it reads
        # 40 +- 1 dB; 1000 Hz and silence read ~0; a 20 ms hole fails the blocks it touches
        # and only those.
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", p("t700.wav"), "synth", "2", "sine", "700", "vol", "0.5")
        s = audio.sinad_blocks(p("t700.wav"), 700)
        result("sinad_clean_tone", len(s) == 100 and min(b[2] for b in s[1:-1]) > 60 and
               all(abs(b[1] - audio.rms_dbfs([0.5 / 2 ** 0.5, -0.5 / 2 ** 0.5])) < 0.1 for b in s),
               f"{s[:3]}")
        tone = audio.load(p("t700.wav")).samples
        import random
        rng = random.Random(12)
        sigma = 0.5 / 2 ** 0.5 / 100  # 40 dB below the tone's RMS
        noisy = audio.Wav(8000, [x + rng.gauss(0, sigma) for x in tone])
        s = audio.sinad_blocks(noisy, 700, block_ms=100)
        mean = sum(b[2] for b in s) / len(s)
        result("sinad_noise_40db", abs(mean - 40) < 1.0, f"mean {mean:.2f} dB over {len(s)} blocks")
        s = audio.sinad_blocks(p("t1000.wav"), 700)
        result("sinad_other_tone", max(b[2] for b in s) < 1.0, f"max {max(b[2] for b in s):.2f} dB")
        s = audio.sinad_blocks(p("sil.wav"), 700)
        result("sinad_silence", all(b[2] < 1.0 and b[1] < -90 for b in s), f"{s[:3]}")  # sox dithers it
        holed = audio.Wav(8000, tone[:8000] + [0.0] * 160 + tone[8160:])
        s = audio.sinad_blocks(holed, 700)
        low = [b[0] for b in s if b[2] < 30]
        result("sinad_hole_found", low == [1.0], f"blocks under 30 dB at {low}")
        shifted = audio.Wav(8000, tone[:8080] + [0.0] * 80 + tone[8160:])
        s = audio.sinad_blocks(shifted, 700)
        low = [b[0] for b in s if b[2] < 30]
        result("sinad_half_hole_found", low == [1.0], f"blocks under 30 dB at {low}")
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
