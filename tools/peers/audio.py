"""WAV analysis for the phone's audio tests, standard library only (wave + Goertzel).

    from peers import audio
    w = audio.load("rec.wav")                    # Wav: rate, samples (floats -1..1, mono mixdown)
    audio.dominant_frequency(w, start=1.0, seconds=1.0)     # -> Hz (0.1 Hz steps around the peak)
    t = audio.tone_presence(w, 1000, tolerance=2)
    t["seconds"], t["longest"], t["frequency"], t["runs"]   # see tone_presence
    audio.gaps(w, min_gap_ms=40)                 # -> [(start_s, length_s), ...] runs of silence
    audio.active_seconds(w)                      # seconds of non-silence
    audio.rms_dbfs(w.samples)
    ref = audio.pcap_audio("/usr/share/sip-tester/g711a.pcap")   # G.711 RTP in a pcap -> Wav
    audio.envelope_similarity(ref, w)            # -> (correlation of loudness contours, lag_s)

Accepts 8 kHz or 48 kHz (any rate), mono or stereo (averaged), 16-bit PCM (8-bit and 32-bit
too). Arguments named `w` take a Wav or a path.
"""
import array
import math
import sys
import wave

SILENCE_DBFS = -50.0


class Wav:
    def __init__(self, rate, samples):
        self.rate = rate
        self.samples = samples

    @property
    def seconds(self):
        return len(self.samples) / self.rate if self.rate else 0.0


def load(path):
    with wave.open(path, "rb") as f:
        rate, ch, width, n = f.getframerate(), f.getnchannels(), f.getsampwidth(), f.getnframes()
        raw = f.readframes(n)
    if width == 1:
        vals = [(b - 128) / 128.0 for b in raw]
    elif width in (2, 4):
        a = array.array("h" if width == 2 else "i")
        a.frombytes(raw[:len(raw) - len(raw) % width])
        if sys.byteorder == "big":
            a.byteswap()
        scale = 32768.0 if width == 2 else 2147483648.0
        vals = [v / scale for v in a]
    else:
        raise ValueError(f"unsupported sample width {width}")
    if ch > 1:
        vals = [sum(vals[i:i + ch]) / ch for i in range(0, len(vals) - ch + 1, ch)]
    return Wav(rate, vals)


def _wav(w):
    return w if isinstance(w, Wav) else load(w)


def rms_dbfs(samples):
    if not samples:
        return -math.inf
    p = sum(x * x for x in samples) / len(samples)
    # A full-scale sine is -3 dBFS by this measure (RMS relative to full scale).
    return 10 * math.log10(p) if p > 0 else -math.inf


def goertzel_power(samples, freq, rate):
    """|X(freq)|^2 of the block (any real frequency, not only bin centres)."""
    w = 2 * math.pi * freq / rate
    c = 2 * math.cos(w)
    s1 = s2 = 0.0
    for x in samples:
        s0 = x + c * s1 - s2
        s2, s1 = s1, s0
    return s1 * s1 + s2 * s2 - c * s1 * s2


def tone_ratio(samples, freq, rate):
    """Share of the block's energy at `freq`: ~1 for a pure tone there, ~0 elsewhere."""
    e = sum(x * x for x in samples)
    if e <= 0 or not samples:
        return 0.0
    return 2 * goertzel_power(samples, freq, rate) / (len(samples) * e)


def _decimate_for_scan(samples, rate, limit=8000):
    step = max(1, rate // limit)
    return samples[::step], rate / step


def dominant_frequency(w, start=0.0, seconds=None, fmin=50.0, fmax=None):
    """Strongest frequency in [start, start+seconds) (whole file when seconds is None): a
    coarse Goertzel scan of a 0.1 s slice, then 0.1 Hz steps around the peak over the window.
    Returns 0.0 for silence."""
    w = _wav(w)
    a = int(start * w.rate)
    b = len(w.samples) if seconds is None else min(len(w.samples), a + int(seconds * w.rate))
    x = w.samples[a:b]
    if not x or rms_dbfs(x) < SILENCE_DBFS:
        return 0.0
    fmax = fmax or w.rate / 2 - 1
    # Coarse: 10 Hz steps on (at most) 8 kHz-rate samples of the middle 0.1 s.
    xs, rs = _decimate_for_scan(x, w.rate)
    mid = len(xs) // 2
    blk = xs[max(0, mid - int(rs * 0.05)):mid + int(rs * 0.05)] or xs
    coarse = max((goertzel_power(blk, f, rs), f)
                 for f in _frange(fmin, min(fmax, rs / 2 - 1), 10.0))[1]
    # Fine: at most 1 s of the window at full rate, 1 Hz then 0.1 Hz steps.
    fine = x[:w.rate]
    best = max((goertzel_power(fine, f, w.rate), f) for f in _frange(coarse - 15, coarse + 15, 1.0))[1]
    best = max((goertzel_power(fine, f, w.rate), f) for f in _frange(best - 1, best + 1, 0.1))[1]
    return round(best, 1)


def _frange(a, b, step):
    n = int(round((b - a) / step))
    return [a + i * step for i in range(n + 1)]


def _blocks(w, block_ms):
    n = max(1, int(w.rate * block_ms / 1000))
    return n, [w.samples[i:i + n] for i in range(0, len(w.samples) - n + 1, n)]


def tone_presence(w, freq, tolerance=2.0, block_ms=20, min_ratio=0.5,
                  min_dbfs=SILENCE_DBFS):
    """Where a tone within `tolerance` Hz of `freq` is present. A block is a candidate when it
    is not silent and at least `min_ratio` of its energy is at `freq` (a 20 ms block cannot tell
    440 from 450 Hz: its resolution is ~50 Hz); runs of candidates are merged, and each run's
    frequency is then measured precisely (dominant_frequency over the run). Only runs within
    `tolerance` count: a tone 10 Hz off is absent, not present for its whole length.

    Returns {"seconds": total seconds of runs within tolerance, "runs": [(start_s, length_s)]
             within tolerance, "longest": the longest of those or None, "frequency": Hz
             measured over the longest candidate run (0.0 when none), "within_tolerance":
             whether that run is within tolerance, "off_frequency": [(start_s, length_s, Hz)]
             candidate runs that are not}."""
    w = _wav(w)
    n, blocks = _blocks(w, block_ms)
    flags = [rms_dbfs(b) >= min_dbfs and tone_ratio(b, freq, w.rate) >= min_ratio for b in blocks]
    candidates = _runs(flags, n / w.rate)
    measured = {r: dominant_frequency(w, r[0], r[1], fmin=max(1.0, freq - 100), fmax=freq + 100)
                for r in candidates}
    runs = [r for r in candidates if abs(measured[r] - freq) <= tolerance]
    off = [(r[0], r[1], measured[r]) for r in candidates if r not in runs]
    widest = max(candidates, key=lambda r: r[1]) if candidates else None
    longest = max(runs, key=lambda r: r[1]) if runs else None
    frequency = measured[widest] if widest else 0.0
    return {"seconds": round(sum(r[1] for r in runs), 3), "runs": runs, "longest": longest,
            "frequency": frequency,
            "within_tolerance": bool(widest) and abs(frequency - freq) <= tolerance,
            "off_frequency": off}


def _runs(flags, block_s):
    runs, start = [], None
    for i, f in enumerate(flags + [False]):
        if f and start is None:
            start = i
        elif not f and start is not None:
            runs.append((round(start * block_s, 3), round((i - start) * block_s, 3)))
            start = None
    return runs


def gaps(w, min_gap_ms=40, block_ms=10, threshold_dbfs=SILENCE_DBFS, edges=False):
    """Runs of silence (block RMS below threshold) at least min_gap_ms long, as
    [(start_s, length_s)]. Leading/trailing silence is left out unless edges=True."""
    w = _wav(w)
    n, blocks = _blocks(w, block_ms)
    silent = [rms_dbfs(b) < threshold_dbfs for b in blocks]
    runs = [r for r in _runs(silent, n / w.rate) if r[1] * 1000 + 1e-9 >= min_gap_ms]
    if not edges and runs:
        total = len(blocks) * n / w.rate
        runs = [r for r in runs if r[0] > 0 and abs(r[0] + r[1] - total) > 1e-6]
    return runs


def active_seconds(w, block_ms=10, threshold_dbfs=SILENCE_DBFS):
    """Seconds of the file whose blocks are louder than the silence threshold."""
    w = _wav(w)
    n, blocks = _blocks(w, block_ms)
    return round(sum(1 for b in blocks if rms_dbfs(b) >= threshold_dbfs) * n / w.rate, 3)


def _alaw(b):
    # ITU-T G.711 A-law expansion: even bits inverted, 3-bit segment, 4-bit mantissa.
    b ^= 0x55
    seg, mant = (b >> 4) & 7, b & 15
    v = (mant << 4) + 8 if seg == 0 else ((mant << 4) + 0x108) << (seg - 1)
    return v if b & 0x80 else -v


def _ulaw(b):
    # ITU-T G.711 mu-law expansion (bias 0x84).
    b = ~b & 0xFF
    v = (((b & 15) << 3) + 0x84) << ((b >> 4) & 7)
    return 0x84 - v if b & 0x80 else v - 0x84


def pcap_audio(path, payload_type=None, dst_port=None):
    """Decode the G.711 RTP (PT 0 = PCMU, 8 = PCMA) in a classic pcap file to an 8 kHz Wav,
    packets in file order (no reordering, no gap filling), only those to UDP `dst_port` when
    given. Other payload types (e.g. 101 telephone-event) are skipped. Ethernet/Linux-cooked
    + IPv4 + UDP only."""
    import struct
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(end + "I", data[20:24])[0]
    off, out = 24, []
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        l2 = {1: 14, 113: 16, 101: 0}.get(linktype)
        if l2 is None or len(pkt) < l2 + 28:
            continue
        if linktype == 1 and pkt[12:14] == b"\x81\x00":
            l2 += 4
        ip = pkt[l2:]
        if ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        udp = ip[(ip[0] & 15) * 4:]
        if dst_port is not None and struct.unpack(">H", udp[2:4])[0] != dst_port:
            continue
        rtp = udp[8:]
        if len(rtp) < 12 or rtp[0] >> 6 != 2:
            continue
        pt = rtp[1] & 0x7F
        if pt not in (0, 8) or (payload_type is not None and pt != payload_type):
            continue
        hdr = 12 + 4 * (rtp[0] & 15)
        if rtp[0] & 0x10 and len(rtp) >= hdr + 4:
            hdr += 4 + 4 * struct.unpack(">H", rtp[hdr + 2:hdr + 4])[0]
        body = rtp[hdr:]
        if rtp[0] & 0x20 and body:
            body = body[:-body[-1]]
        dec = _alaw if pt == 8 else _ulaw
        out.extend(dec(b) / 32768.0 for b in body)
    return Wav(8000, out)


def envelope(w, block_ms=20):
    """RMS per block (linear), the loudness contour used to compare two recordings."""
    w = _wav(w)
    _, blocks = _blocks(w, block_ms)
    return [math.sqrt(sum(x * x for x in b) / len(b)) for b in blocks]


def envelope_similarity(a, b, block_ms=20, max_lag_ms=1000):
    """Best Pearson correlation of the two loudness contours over lags up to max_lag_ms
    (either direction), and that lag in seconds: (corr, lag_s). 1.0 = same shape."""
    ea, eb = envelope(a, block_ms), envelope(b, block_ms)
    best = (-1.0, 0.0)
    for lag in range(-max_lag_ms // block_ms, max_lag_ms // block_ms + 1):
        x = ea[max(0, lag):]
        y = eb[max(0, -lag):]
        n = min(len(x), len(y))
        if n < 10:
            continue
        x, y = x[:n], y[:n]
        mx, my = sum(x) / n, sum(y) / n
        sxy = sum((p - mx) * (q - my) for p, q in zip(x, y))
        sxx = sum((p - mx) ** 2 for p in x)
        syy = sum((q - my) ** 2 for q in y)
        if sxx > 0 and syy > 0:
            c = sxy / math.sqrt(sxx * syy)
            if c > best[0]:
                best = (c, lag * block_ms / 1000)
    return round(best[0], 4), best[1]


def summary(path):
    w = load(path)
    return {"rate": w.rate, "seconds": round(w.seconds, 3), "rms_dbfs": round(rms_dbfs(w.samples), 1),
            "active_seconds": active_seconds(w), "dominant_hz": dominant_frequency(w),
            "gaps": gaps(w)}


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(p, summary(p))


def discontinuities(w, freq, threshold=0.25, merge_ms=40, edge_s=1.0, min_level=0.02):
    """Where a steady tone of `freq` Hz breaks: a phase jump, lost or repeated samples, a
    step in level. A sinusoid obeys x[n] = 2 cos(w) x[n-1] - x[n-2] exactly, so the error of
    that prediction is only quantization noise (G.711 at -10 dBFS: a few % of the amplitude)
    until the signal stops being one sinusoid; then it jumps (a 30 degree phase step gives
    about half the amplitude). Errors over `threshold` x the local amplitude count as one
    event per `merge_ms`. Only the steady part is judged: where the level (RMS over 20 ms)
    is above `min_level` (linear, 1 = full scale), less `edge_s` at each end of the tone.
    Returns {"events": [seconds, ...], "judged_s": seconds judged, "per_minute": float}."""
    w = _wav(w)
    x, rate = w.samples, w.rate
    c2 = 2 * math.cos(2 * math.pi * freq / rate)
    block = max(1, rate // 50)
    # Local amplitude: RMS per 20 ms block x sqrt(2); a sample is judged when its block and
    # both neighbours are loud (so the rise and fall of the tone are not breaks).
    amps = []
    for b in range(0, len(x) - block + 1, block):
        seg = x[b:b + block]
        amps.append(math.sqrt(sum(v * v for v in seg) / block) * math.sqrt(2))
    loud = [a >= min_level for a in amps]
    first = next((i for i, f in enumerate(loud) if f), None)
    last = next((i for i in range(len(loud) - 1, -1, -1) if loud[i]), None)
    if first is None:
        return {"events": [], "judged_s": 0.0, "per_minute": 0.0}
    start = first * block + int(edge_s * rate)
    end = (last + 1) * block - int(edge_s * rate)
    events, judged, last_event = [], 0, -1e9
    for n in range(max(2, start), min(end, len(x))):
        bi = n // block
        if not (loud[bi] and (bi == 0 or loud[bi - 1]) and (bi + 1 >= len(loud) or loud[bi + 1])):
            continue
        judged += 1
        a = amps[bi]
        e = x[n] - c2 * x[n - 1] + x[n - 2]
        if abs(e) > threshold * a:
            t = n / rate
            if (t - last_event) * 1000 >= merge_ms:
                events.append(round(t, 3))
            last_event = t
    secs = judged / rate
    return {"events": events, "judged_s": secs, "per_minute": len(events) / secs * 60 if secs else 0.0}


def sinad_blocks(w, freq, block_ms=20):
    """Per block: (start_s, level_dbfs, sinad_db) of a tone at `freq` Hz. In each block the
    least-squares fit a cos + b sin + c at `freq` (phase and amplitude free, so a slow drift
    of phase across blocks costs nothing) is the signal; what the fit leaves is noise and
    distortion: SINAD = total power / residual power. A clean tone through G.711 gives about
    35-40 dB, a block with a gap, a click or another tone in it far less, silence 0 dB."""
    w = _wav(w)
    n, blocks = _blocks(w, block_ms)
    step = 2 * math.pi * freq / w.rate
    cs = [math.cos(step * i) for i in range(n)]
    sn = [math.sin(step * i) for i in range(n)]
    # Normal equations of the 3-column fit, the same for every block.
    g = [[sum(p * q for p, q in zip(u, v)) for v in (cs, sn, [1.0] * n)] for u in (cs, sn, [1.0] * n)]
    inv = _inverse3(g)
    out = []
    for k, x in enumerate(blocks):
        rhs = [sum(p * q for p, q in zip(cs, x)), sum(p * q for p, q in zip(sn, x)), sum(x)]
        a, b, c = (sum(inv[r][j] * rhs[j] for j in range(3)) for r in range(3))
        total = sum(v * v for v in x)
        resid = sum((v - a * cs[i] - b * sn[i] - c) ** 2 for i, v in enumerate(x))
        level = 10 * math.log10(total / n) if total > 0 else -math.inf
        sinad = 10 * math.log10(total / resid) if resid > 0 and total > 0 else (math.inf if total > 0 else 0.0)
        out.append((round(k * n / w.rate, 3), level, sinad))
    return out


def _inverse3(m):
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    adj = [[e * i - f * h, c * h - b * i, b * f - c * e],
           [f * g - d * i, a * i - c * g, c * d - a * f],
           [d * h - e * g, b * g - a * h, a * e - b * d]]
    return [[v / det for v in row] for row in adj]
