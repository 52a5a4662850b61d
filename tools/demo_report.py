#!/usr/bin/env python3
"""The call report of `make demo`: report.html beside the demo's files, with PNG plots made
with matplotlib (tools/demo_plots.py) from what the demo left in its directory:

    speaker.wav        what the phone's speaker played (peer -> phone): waveform, spectrum
    baresip-heard.wav  what baresip heard (phone -> peer): waveform, spectrum
    call.pcap          RTP inter-arrival times of both directions, read with tshark
    console.log        the `stats` answers polled during the call: jitter buffer depth/target
    summary.json       the summary table tools/demo.py printed (and the tones both ends sent)

Usage: tools/demo_report.py [DIR]   (default build/demo); prints the report's path.
From Python: write_report(dir) -> the numbers plotted (also written to DIR/report.json):
    {"html": path, "images": [png names], "speaker"/"heard": {"peak_hz", "expected_hz", ...},
     "rtp": {"phone_to_peer"/"peer_to_phone": {"packets", "median_ms", "p99_ms", ...}},
     "jitter_buffer": {"samples", "depth_ms": {...}, "target_ms": {...}}, "summary_rows": [...]}

The plotting needs numpy and matplotlib, which Debian installs for its own /usr/bin/python3:
when this interpreter lacks them, write_report() runs this file under that one.
"""
import html
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import hosttools  # noqa: E402
from peers import proc  # noqa: E402

ROOT = os.path.dirname(HERE)
DEFAULT_DIR = os.path.join(ROOT, "build", "demo")
PEER_IP = "192.0.2.1"  # baresip and Kamailio live on the lab's host side (tools/netlab.py)
AUDIO_PAYLOAD_TYPES = {"0", "8"}  # PCMU, PCMA; telephone-event (DTMF) is not a 20 ms stream
DIRECTIONS = {"phone_to_peer": "phone → baresip", "peer_to_phone": "baresip → phone"}
PLOT_MODULES = ("numpy", "matplotlib")


# -- reading the demo's files (standard library only) -----------------------------------
def rtp_streams(pcap):
    """{"phone_to_peer"|"peer_to_phone": {"times": [s], "seqs": [...], "src", "dst", "ssrc"}}:
    the audio RTP of each direction in the capture (the stream with most packets when a
    direction has several), found by tshark's RTP heuristic. Times are capture times on the
    lab's tap, in seconds since the first packet of either direction."""
    r = subprocess.run(["tshark", "-r", pcap, "-o", "rtp.heuristic_rtp:TRUE", "-Y", "rtp && !rtcp",
                        "-T", "fields", "-E", "separator=,", "-e", "frame.time_epoch", "-e", "ip.src",
                        "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport", "-e", "rtp.ssrc",
                        "-e", "rtp.seq", "-e", "rtp.p_type"],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"tshark could not read {pcap}: {r.stderr.strip()[-300:]}")
    streams = {}
    for line in r.stdout.splitlines():
        f = line.split(",")
        if len(f) != 8 or f[7] not in AUDIO_PAYLOAD_TYPES:
            continue
        key = (f[1], f[2], f[3], f[4], f[5])
        s = streams.setdefault(key, {"times": [], "seqs": []})
        s["times"].append(float(f[0]))
        s["seqs"].append(int(f[6]))
    out = {}
    for (src, sport, dst, dport, ssrc), s in sorted(streams.items(), key=lambda kv: -len(kv[1]["times"])):
        way = "peer_to_phone" if src == PEER_IP else "phone_to_peer"
        if way not in out:
            out[way] = dict(s, src=f"{src}:{sport}", dst=f"{dst}:{dport}", ssrc=ssrc)
    t0 = min((s["times"][0] for s in out.values()), default=0.0)
    for s in out.values():
        s["times"] = [t - t0 for t in s["times"]]
    return out


def interarrival_stats(times):
    """Gaps between consecutive packets (ms) and their median/p99/max/mean."""
    gaps = sorted((b - a) * 1000 for a, b in zip(times, times[1:]))
    if not gaps:
        return {"packets": len(times)}
    return {"packets": len(times), "median_ms": round(gaps[len(gaps) // 2], 3),
            "p99_ms": round(gaps[min(len(gaps) - 1, len(gaps) * 99 // 100)], 3),
            "max_ms": round(gaps[-1], 3), "min_ms": round(gaps[0], 3),
            "mean_ms": round(sum(gaps) / len(gaps), 3)}


def jitter_samples(console_text):
    """The phone's `stats` answers in the console, oldest first: {"t_s" (since the first),
    "depth_ms", "target_ms", "jb_underruns", "concealed", "rtp_received"}."""
    out = []
    for line in console_text.splitlines():
        if "stats: rtp_sent=" not in line:
            continue
        v = {k: int(x) for k, x in re.findall(r"(\w+)=(-?\d+)", line)}
        if "jb_depth_ms" in v and "at_us" in v:
            out.append({"at_us": v["at_us"], "depth_ms": v["jb_depth_ms"], "target_ms": v.get("jb_target_ms", 0),
                        "jb_underruns": v.get("jb_underruns", 0), "concealed": v.get("concealed", 0),
                        "rtp_received": v.get("rtp_received", 0)})
    for s in out:
        s["t_s"] = (s["at_us"] - out[0]["at_us"]) / 1e6
    return out


def spread(values):
    v = sorted(values)
    if not v:
        return {}
    return {"min": v[0], "median": v[len(v) // 2], "max": v[-1]}


def load_summary(demo_dir):
    try:
        with open(os.path.join(demo_dir, "summary.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


# -- the report -------------------------------------------------------------------------
def build(demo_dir):
    """Plot, write report.html and report.json in demo_dir; returns the numbers. Needs numpy
    and matplotlib in this interpreter."""
    import demo_plots
    summary = load_summary(demo_dir)
    tones = summary.get("tones", {"peer_hz": 1000, "phone_hz": 440})
    numbers = {"html": os.path.join(demo_dir, "report.html"), "images": [], "summary_rows": summary.get("rows", [])}
    sections = []

    for key, wav, title, expected in (
            ("speaker", "speaker.wav", "What the phone's speaker played (baresip → phone)", tones["peer_hz"]),
            ("heard", "baresip-heard.wav", "What baresip heard (phone → baresip)", tones["phone_hz"])):
        path = os.path.join(demo_dir, wav)
        if not os.path.exists(path) or os.path.getsize(path) <= 44:
            sections.append((title, f"{wav} was not recorded.", []))
            continue
        rate, x = demo_plots.load_wav(path)
        wave_png, spec_png = f"{key}_waveform.png", f"{key}_spectrum.png"
        w = demo_plots.waveform_png(os.path.join(demo_dir, wave_png), x, rate, title)
        s = demo_plots.spectrum_png(os.path.join(demo_dir, spec_png), x, rate, title, expected)
        numbers[key] = dict(w, **s, file=wav, expected_hz=expected)
        numbers["images"] += [wave_png, spec_png]
        sections.append((title, f"{wav}: {rate} Hz, {w['seconds']:.1f} s, {w['active_seconds']:.1f} s above "
                                f"{demo_plots.SILENCE_DBFS:.0f} dBFS. Spectrum (Hann-windowed {s['fft_size']}-point "
                                f"FFTs averaged over the loud part): peak {s['peak_hz']:.1f} Hz at "
                                f"{s['peak_dbfs']:.1f} dBFS; the sender played {expected} Hz.",
                         [wave_png, spec_png]))

    pcap = os.path.join(demo_dir, "call.pcap")
    title = "RTP inter-arrival times on the lab's tap"
    if os.path.exists(pcap):
        streams = rtp_streams(pcap)
        numbers["rtp"] = {way: dict(interarrival_stats(s["times"]), src=s["src"], dst=s["dst"], ssrc=s["ssrc"])
                          for way, s in streams.items()}
        png = "rtp_interarrival.png"
        demo_plots.interarrival_png(os.path.join(demo_dir, png), {DIRECTIONS[w]: (s["times"], numbers["rtp"][w])
                                                                  for w, s in sorted(streams.items())})
        numbers["images"].append(png)
        text = " ".join(f"{DIRECTIONS[w]} ({st['src']} → {st['dst']}): {st['packets']} packets, gap median "
                        f"{st.get('median_ms', 0):.2f} ms, p99 {st.get('p99_ms', 0):.2f} ms, max "
                        f"{st.get('max_ms', 0):.2f} ms." for w, st in sorted(numbers["rtp"].items()))
        sections.append((title, "Gaps between consecutive audio RTP packets of each direction as "
                                "captured on the tap (one capture point for both: what leaves QEMU "
                                "towards baresip, what baresip sends towards QEMU); 20 ms is the packet "
                                "interval. " + text, [png]))
    else:
        sections.append((title, "call.pcap was not captured.", []))

    jb = jitter_samples(proc.read(os.path.join(demo_dir, "console.log")))
    title = "Jitter buffer depth"
    if jb:
        png = "jitter_buffer.png"
        demo_plots.jitter_png(os.path.join(demo_dir, png), jb)
        numbers["jitter_buffer"] = {"samples": len(jb), "depth_ms": spread([s["depth_ms"] for s in jb]),
                                    "target_ms": spread([s["target_ms"] for s in jb]),
                                    "underruns": jb[-1]["jb_underruns"], "concealed": jb[-1]["concealed"]}
        numbers["images"].append(png)
        d = numbers["jitter_buffer"]["depth_ms"]
        sections.append((title, f"The phone keeps no time series of its jitter buffer: these are {len(jb)} "
                                f"samples of the depth and target its `stats` command reports, asked for "
                                f"every {summary.get('summary', {}).get('poll_seconds', '?')} s during the "
                                f"call (console.log). Depth min {d['min']} / median {d['median']} / max "
                                f"{d['max']} ms.", [png]))
    else:
        sections.append((title, "No `stats` answers in console.log.", []))

    with open(numbers["html"], "w") as f:
        f.write(render_html(numbers["summary_rows"], sections))
    with open(os.path.join(demo_dir, "report.json"), "w") as f:
        json.dump(numbers, f, indent=1)
    return numbers


def render_html(rows, sections):
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>Offhook demo call report</title>",
           "<style>body{font-family:sans-serif;max-width:1040px;margin:1em auto;color:#222}"
           "table{border-collapse:collapse}td{border:1px solid #ccc;padding:3px 8px}"
           "img{display:block;margin:6px 0;width:1000px}p{max-width:1000px}</style></head><body>",
           "<h1>Offhook demo call report</h1>",
           "<p>The phone (QEMU) called baresip through Kamailio in the network lab "
           "(tools/demo.py); everything below comes from the files beside this page.</p>",
           "<h2>Summary</h2>", "<table>"]
    out += [f"<tr><td>{e(str(what))}</td><td>{e(str(value))}</td></tr>" for what, value in rows]
    out.append("</table>")
    for title, text, images in sections:
        out += [f"<h2>{e(title)}</h2>", f"<p>{e(text)}</p>"]
        out += [f'<img src="{e(png)}" alt="{e(png)}">' for png in images]
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_report(demo_dir=DEFAULT_DIR):
    """build() here, or in an interpreter that has numpy and matplotlib; returns the numbers.
    Raises RuntimeError (with the install hint) when no interpreter has them or it failed."""
    py = hosttools.python_with(*PLOT_MODULES)
    if py is None:
        raise RuntimeError(hosttools.missing_modules(*PLOT_MODULES))
    if py == sys.executable:
        return build(demo_dir)
    r = subprocess.run([py, os.path.abspath(__file__), demo_dir], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise RuntimeError(f"{py} {__file__} failed: {r.stderr.strip()[-1500:]}")
    with open(os.path.join(demo_dir, "report.json")) as f:
        return json.load(f)


def main():
    demo_dir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DIR)
    try:
        numbers = write_report(demo_dir)
    except RuntimeError as err:
        print(f"demo_report: {err}", file=sys.stderr)
        return 1
    print(numbers["html"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
