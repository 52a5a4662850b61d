"""The call report's plots (tools/demo_report.py), with numpy and matplotlib (Agg, PNG files):
waveforms and spectra of the two recordings, RTP inter-arrival times, jitter buffer depth.
Each *_png() writes one file and returns the numbers it plotted."""
import wave

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

SILENCE_DBFS = -50.0
FIG_WIDTH, DPI = 10.0, 100  # 1000 px wide, the page's image width
PACKET_MS = 20.0


def load_wav(path):
    """(rate, mono float samples in -1..1) of a 8/16/32-bit PCM WAV; channels averaged."""
    with wave.open(path, "rb") as f:
        rate, ch, width, n = f.getframerate(), f.getnchannels(), f.getsampwidth(), f.getnframes()
        raw = f.readframes(n)
    if width == 1:
        x = (np.frombuffer(raw, dtype=np.uint8).astype(np.float64) - 128) / 128
    elif width in (2, 4):
        dt = np.dtype("<i2" if width == 2 else "<i4")
        x = np.frombuffer(raw[:len(raw) - len(raw) % width], dtype=dt).astype(np.float64) / (2.0 ** (8 * width - 1))
    else:
        raise ValueError(f"{path}: unsupported sample width {width}")
    if ch > 1:
        x = x[:len(x) - len(x) % ch].reshape(-1, ch).mean(axis=1)
    return rate, x


def _dbfs(power):
    return 10 * np.log10(np.maximum(power, 1e-20))


def _loud_blocks(x, rate, block_ms=20):
    n = max(1, int(rate * block_ms / 1000))
    blocks = x[:len(x) - len(x) % n].reshape(-1, n)
    return n, _dbfs((blocks ** 2).mean(axis=1)) >= SILENCE_DBFS


def _save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def waveform_png(path, x, rate, title):
    """The whole recording, and 25 ms from the middle of its loud part (the tone's shape)."""
    t = np.arange(len(x)) / rate
    n, loud = _loud_blocks(x, rate)
    idx = np.flatnonzero(loud)
    fig, (whole, zoom) = plt.subplots(2, 1, figsize=(FIG_WIDTH, 4.6))
    whole.plot(t, x, linewidth=0.3, color="tab:blue")
    whole.set(title=f"{title}: waveform", xlabel="time in the recording (s)", ylabel="amplitude (full scale 1)",
              xlim=(0, max(t[-1] if len(t) else 1, 1e-3)), ylim=(-1.05, 1.05))
    whole.grid(alpha=0.3)
    if len(idx):
        mid = idx[len(idx) // 2] * n
        a, b = mid, min(len(x), mid + int(rate * 0.025))
        zoom.plot(t[a:b] * 1000, x[a:b], marker=".", markersize=3, linewidth=0.8, color="tab:blue")
        zoom.set(title=f"25 ms from {t[a]:.2f} s", xlabel="time in the recording (ms)", ylabel="amplitude")
    else:
        zoom.text(0.5, 0.5, "silence: no block above -50 dBFS", ha="center", va="center", transform=zoom.transAxes)
    zoom.grid(alpha=0.3)
    _save(fig, path)
    rms = float(np.sqrt(np.mean(x ** 2))) if len(x) else 0.0
    return {"rate": rate, "seconds": round(len(x) / rate, 3), "active_seconds": round(len(idx) * n / rate, 3),
            "rms_dbfs": round(float(_dbfs(rms ** 2)), 1), "peak_abs": round(float(np.max(np.abs(x))) if len(x) else 0, 4)}


def spectrum(x, rate):
    """Averaged magnitude spectrum of the loud part (Welch: Hann windows of ~128 ms, half
    overlapping; segments below the silence level left out): (freqs, dBFS of a sine's
    amplitude, fft size)."""
    size = 1 << int(np.ceil(np.log2(max(64, rate // 8))))
    win = np.hanning(size)
    hop = size // 2
    segs = [x[i:i + size] for i in range(0, len(x) - size + 1, hop)]
    loud = [s for s in segs if _dbfs(np.mean(s ** 2)) >= SILENCE_DBFS] or segs
    if not loud:
        return np.fft.rfftfreq(size, 1 / rate), np.full(size // 2 + 1, -200.0), size
    mags = [np.abs(np.fft.rfft(s * win)) * 2 / win.sum() for s in loud]  # a sine's amplitude
    power = np.mean(np.square(mags), axis=0)
    return np.fft.rfftfreq(size, 1 / rate), _dbfs(power), size


def _peak(freqs, db):
    """The strongest bin (DC aside), refined by a parabola through it and its neighbours."""
    k = int(np.argmax(db[1:])) + 1
    if 1 <= k < len(db) - 1:
        a, b, c = db[k - 1], db[k], db[k + 1]
        d = a - 2 * b + c
        off = 0.5 * (a - c) / d if d else 0.0
    else:
        off = 0.0
    return float(freqs[k] + off * (freqs[1] - freqs[0])), float(db[k])


def spectrum_png(path, x, rate, title, expected_hz):
    freqs, db, size = spectrum(x, rate)
    peak_hz, peak_db = _peak(freqs, db)
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, 3.4))
    ax.plot(freqs, db, linewidth=0.8, color="tab:green")
    ax.axvline(expected_hz, color="tab:red", linestyle="--", linewidth=0.8, label=f"sent: {expected_hz} Hz")
    ax.plot([peak_hz], [peak_db], "v", color="black", label=f"peak: {peak_hz:.1f} Hz, {peak_db:.1f} dBFS")
    ax.set(title=f"{title}: spectrum", xlabel="frequency (Hz)", ylabel="amplitude (dBFS)", xlim=(0, rate / 2),
           ylim=(max(-120, float(np.min(db))), peak_db + 10))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right")
    _save(fig, path)
    return {"peak_hz": round(peak_hz, 1), "peak_dbfs": round(peak_db, 1), "fft_size": size,
            "resolution_hz": round(rate / size, 2)}


def interarrival_png(path, streams):
    """Per direction ({label: (capture times in s, their interarrival stats)}): each gap over
    the call, and their histogram, titled with the stats the report gives."""
    rows = max(1, len(streams))
    fig, axes = plt.subplots(rows, 2, figsize=(FIG_WIDTH, 2.8 * rows), squeeze=False,
                             gridspec_kw={"width_ratios": [2.2, 1]})
    for (label, (times, stats)), (over_time, hist) in zip(streams.items(), axes):
        t = np.asarray(times)
        gaps = np.diff(t) * 1000
        if len(gaps) == 0:
            over_time.text(0.5, 0.5, f"{label}: fewer than 2 packets", ha="center", transform=over_time.transAxes)
            continue
        over_time.plot(t[1:], gaps, ".", markersize=2.5, color="tab:purple")
        over_time.axhline(PACKET_MS, color="tab:red", linestyle="--", linewidth=0.8)
        top = max(2 * PACKET_MS, float(np.max(gaps)) * 1.05)
        over_time.set(title=f"{label}: {len(t)} packets", xlabel="capture time (s)", ylabel="gap (ms)",
                      ylim=(0, top))
        over_time.grid(alpha=0.3)
        hist.hist(gaps, bins=np.arange(0, top + 0.5, 0.5), color="tab:purple")
        hist.axvline(PACKET_MS, color="tab:red", linestyle="--", linewidth=0.8)
        hist.set(title=f"median {stats['median_ms']:.2f} ms, p99 {stats['p99_ms']:.2f} ms",
                 xlabel="gap (ms)", ylabel="packets")
        hist.set_yscale("log")
        hist.grid(alpha=0.3)
    _save(fig, path)


def jitter_png(path, samples):
    """The jitter buffer's depth and target at each `stats` answer."""
    t = [s["t_s"] for s in samples]
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, 3.2))
    ax.plot(t, [s["depth_ms"] for s in samples], "o-", markersize=3, drawstyle="steps-post",
            label="depth (audio held ahead of playout)", color="tab:blue")
    ax.plot(t, [s["target_ms"] for s in samples], "--", drawstyle="steps-post", label="target", color="tab:orange")
    last = samples[-1]
    ax.set(title=f"jitter buffer at each `stats` answer ({len(samples)} samples; underruns {last['jb_underruns']}, "
                 f"concealed frames {last['concealed']})", xlabel="time since the first answer (s)", ylabel="ms",
           ylim=(0, max(10, max(max(s["depth_ms"], s["target_ms"]) for s in samples) * 1.2)))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    _save(fig, path)
