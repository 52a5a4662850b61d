#!/usr/bin/env python3
"""Prints the Q15 low-pass used by drivers/ac97/resampler.h (Fir48k, run by lib/dsp/resampler.h) (8 kHz <-> 48 kHz).

120-tap Blackman-windowed sinc at 48 kHz, cut-off 3.7 kHz, normalised to unity DC gain.
Usage: python3 tools/bench/media_fir.py   (paste the output into kFir)."""
import math

N, FS, FC = 120, 48000.0, 3700.0
h = []
for n in range(N):
    x = 2 * FC / FS * (n - (N - 1) / 2)
    s = 2 * FC / FS * (math.sin(math.pi * x) / (math.pi * x) if x else 1.0)
    w = 0.42 - 0.5 * math.cos(2 * math.pi * n / (N - 1)) + 0.08 * math.cos(4 * math.pi * n / (N - 1))
    h.append(s * w)
total = sum(h)
q = [round(v / total * 32768) for v in h]
for i in range(0, N, 12):
    print("    " + ", ".join(str(v) for v in q[i:i + 12]) + ",")
