#!/usr/bin/env python3
"""`make demo`: the phone in QEMU registers with a local Kamailio (digest auth), calls a
baresip softphone through it, talks for ~10 s (baresip plays 1 kHz, the phone sends 440 Hz),
hangs up, prints a summary and writes a call report. Leaves under build/demo/:

    speaker.wav        what the phone played (QEMU's AC97 -> wav backend, 8 kHz)
    baresip-heard.wav  what baresip received from the phone
    call.pcap          everything on the lab's wire (tshark)
    console.log        the phone's serial console (QEMU's own messages: qemu.log); during the
                       call the phone is asked for `stats` every 0.5 s (its jitter buffer depth)
    kamailio.log       the registrar's log
    summary.json       the summary printed at the end
    report.html        the call report (tools/demo_report.py): waveforms, spectra, RTP
                       inter-arrival times, jitter buffer depth, the summary; its PNGs beside it

Everything runs inside a network namespace on 192.0.2.0/24 and is removed afterwards.
From Python (tests): run_call(out_dir, talk_seconds) -> summary, then summary_rows() and
write_summary(); demo_report.write_report(out_dir) makes the report.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import demo_report  # noqa: E402
import netlab  # noqa: E402
from peers import audio, baresip, kamailio  # noqa: E402

OUT = os.path.join(ROOT, "build", "demo")
TALK_SECONDS = 10
POLL_SECONDS = 0.5  # how often the phone is asked for `stats` during the call
PEER_TONE_HZ = 1000  # baresip's source (peers/baresip.py's make_tone default)
PHONE_TONE_HZ = 440  # the phone's test tone (phone.tone=)
STATS_KEYS = ("rtp_sent", "rtp_received", "lost", "jitter_ms", "jb_underruns", "audio_underruns",
              "concealed", "rtt_ms")


def step(msg):
    print(f"demo: {msg}", flush=True)


def talk(lab, seconds, poll_seconds=POLL_SECONDS):
    """Let the call run for `seconds`, asking the phone for `stats` every `poll_seconds`: its
    jitter buffer depth and target over the call, read back from console.log by the report.
    Returns the number of answers."""
    end = time.time() + seconds
    answers = 0
    while time.time() < end:
        asked = time.time()
        mark = lab.mark()
        lab.send("stats")
        if lab.wait_for(r"stats: rtp_sent=", timeout=5, start=mark):
            answers += 1
        time.sleep(max(0.0, min(end - time.time(), poll_seconds - (time.time() - asked))))
    return answers


def run_call(out, talk_seconds=TALK_SECONDS, poll_seconds=POLL_SECONDS):
    """Build the kernel, run the lab call and leave its files in `out` (emptied first).
    Returns the summary dict, with "error" set when the call did not get through."""
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        path = os.path.join(out, f)
        if os.path.isfile(path):
            os.remove(path)
    subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/kernel.elf", "userland"], check=True)
    summary = {"talk_seconds": talk_seconds, "poll_seconds": poll_seconds}
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        k = kamailio.Kamailio(lab.name, lab.tmp, users={"1000": "secret1000", "2000": "secret2000"})
        b = None
        tshark = None
        try:
            k.start()
            step("kamailio registrar/proxy on 192.0.2.1:5060 (digest auth), dnsmasq for DHCP/DNS")
            # baresip hangs up when its aufile source ends: a tone longer than the call.
            tone = baresip.make_tone(os.path.join(lab.tmp, "tone.wav"), freq=PEER_TONE_HZ,
                                     seconds=talk_seconds + 60)
            b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000", auto_answer=True,
                                source_wav=tone)
            b.start(timeout=20)
            step(f"baresip registered as 2000, auto-answer, plays a {PEER_TONE_HZ} Hz tone")
            pcap = os.path.join(out, "call.pcap")
            tshark = lab.ns_popen("tshark", "-q", "-i", lab.tap, "-f", "udp", "-w", pcap,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.5)
            wav = os.path.join(out, "speaker.wav")
            cmdline = ("net=dhcp sip.server=sip.lab.test sip.user=1000 sip.password=secret1000 "
                       f"sip.name=Offhook phone.tone={PHONE_TONE_HZ}")
            step(f"booting the phone: {cmdline}")
            # The speaker recorded at the phone's own 8 kHz: at QEMU's default 44.1 kHz its
            # linear-interpolation resampler alone costs ~9 dB of SINAD. QEMU's own messages
            # (the wav backend has no capture voice for AC97's inputs) go to qemu.log.
            lab.boot(cmdline, smp=2, extra=["-device", "AC97,audiodev=snd", "-audiodev",
                                            f"wav,id=snd,path={wav},out.frequency=8000"],
                     qemu_log=os.path.join(out, "qemu.log"))
            m = lab.wait_for(r"phone: registered (\d+) ms after kernel entry", timeout=90)
            if not m:
                summary["error"] = "the phone did not register; console tail:\n" + lab.console_text()[-1500:]
                return summary
            summary["registered_ms"] = int(m.group(1))
            step(f"registered {m.group(1)} ms after kernel entry")
            mark = lab.mark()
            bm = b.mark()
            lab.send("dial 2000")
            a = lab.wait_for(r"phone: call answered \(set-up (\d+) ms\)", timeout=30, start=mark)
            if not a:
                summary["error"] = "the call was not answered; console tail:\n" + lab.console_text()[-1500:]
                return summary
            summary["setup_ms"] = int(a.group(1))
            step(f"call answered by baresip (set-up {a.group(1)} ms); talking for {talk_seconds} s")
            summary["stats_polls"] = talk(lab, talk_seconds, poll_seconds)
            smark = lab.mark()
            lab.send("stats")
            s = lab.wait_for(r"stats: rtp_sent=", timeout=10, start=smark)
            stats_line = s.string if s else ""
            nmark = lab.mark()
            lab.send("netstat")
            n = lab.wait_for(r"netstat: total_drops=(\d+)", timeout=10, start=nmark)
            summary["net_drops"] = int(n.group(1)) if n else None
            lab.send("hangup")
            e = lab.wait_for(r"phone: call ended \((.*?)\)", timeout=15, start=mark)
            closed = b.wait_event("CALL_CLOSED", timeout=10, start=bm)
            step(f"hung up ({e.group(1) if e else 'no end seen'}; baresip {'closed' if closed else 'did not close'})")
            lab.send("poweroff")
            try:
                lab.qemu.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
            for key in STATS_KEYS:
                mm = re.search(rf"\b{key}=(-?\d+)", stats_line)
                if mm:
                    summary[key] = int(mm.group(1))
            heard = b.recording("dec")
            if heard:
                shutil.copy(heard, os.path.join(out, "baresip-heard.wav"))
        finally:
            if tshark and tshark.poll() is None:
                tshark.send_signal(signal.SIGINT)
                try:
                    tshark.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    tshark.kill()
            if b:
                b.stop()
            k.stop()
            with open(os.path.join(out, "console.log"), "w") as f:
                f.write(lab.console_text())
            with open(os.path.join(out, "kamailio.log"), "w") as f:
                f.write(k.log())
    return summary


def summary_rows(summary, out):
    """The summary as (what, value) rows: printed at the end and tabled in the report."""
    g = lambda k: summary.get(k, "?")  # noqa: E731
    rows = [
        ("time to registered (kernel entry)", f"{g('registered_ms')} ms"),
        ("call set-up time (INVITE to answer)", f"{g('setup_ms')} ms"),
        ("RTP sent / received", f"{g('rtp_sent')} / {g('rtp_received')}"),
        ("loss (RFC 3550); interarrival jitter; RTCP round trip",
         f"{g('lost')} packets; {g('jitter_ms')} ms; {g('rtt_ms')} ms"),
        ("jitter buffer: concealed frames, underruns; AC97 underruns",
         f"{g('concealed')}, {g('jb_underruns')}; {g('audio_underruns')}"),
    ]
    spk = os.path.join(out, "speaker.wav")
    if os.path.exists(spk) and os.path.getsize(spk) > 44:
        p = audio.tone_presence(spk, PEER_TONE_HZ, tolerance=2)
        # The median block's SINAD over the call's middle (the tone's start and end aside).
        blocks = [sd for t, lvl, sd in audio.sinad_blocks(spk, PEER_TONE_HZ) if lvl > -40]
        mid = sorted(blocks[len(blocks) // 10: len(blocks) * 9 // 10])
        sinad = f", SINAD {mid[len(mid) // 2]:.1f} dB (median 20 ms block, at 8 kHz)" if mid else ""
        rows.append((f"phone speaker ({spk})", f"{PEER_TONE_HZ} Hz for {p['seconds']:.1f} s{sinad}"))
    bh = os.path.join(out, "baresip-heard.wav")
    if os.path.exists(bh):
        p = audio.tone_presence(bh, PHONE_TONE_HZ, tolerance=5)
        rows.append((f"baresip heard ({bh})", f"{PHONE_TONE_HZ} Hz for {p['seconds']:.1f} s"))
    rows.append(("network stack drops during the run", f"{g('net_drops')} (netstat in console.log)"))
    rows.append(("wire capture; console",
                 f"{os.path.join(out, 'call.pcap')}; {os.path.join(out, 'console.log')}"))
    return rows


def write_summary(out, summary, rows):
    """summary.json: the raw numbers, the rows, and the tones the two ends sent."""
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump({"summary": summary, "rows": rows,
                   "tones": {"peer_hz": PEER_TONE_HZ, "phone_hz": PHONE_TONE_HZ}}, f, indent=1)


def main():
    summary = run_call(OUT)
    if summary.get("error"):
        step(summary["error"])
        return 1
    rows = summary_rows(summary, OUT)
    write_summary(OUT, summary, rows)
    print()
    print("=== Offhook demo summary ===")
    for what, value in rows:
        print(f"{what}: {value}")
    try:
        report = demo_report.write_report(OUT)
    except RuntimeError as e:
        print(f"call report: not made: {e}")
        return 1
    print(f"call report: {report['html']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
