#!/usr/bin/env python3
"""`make demo`: the phone in QEMU registers with a local Kamailio (digest auth), calls a
baresip softphone through it, talks for ~10 s (baresip plays 1 kHz, the phone sends 440 Hz),
hangs up, and prints a summary. Leaves under build/demo/:

    speaker.wav      what the phone played (QEMU's AC97 -> wav backend, 8 kHz)
    call.pcap        everything on the lab's wire (tshark)
    baresip-heard.wav  what baresip received from the phone
    console.log      the phone's serial console (QEMU's own messages: qemu.log)
    kamailio.log     the registrar's log

Everything runs inside a network namespace on 192.0.2.0/24 and is removed afterwards.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import netlab  # noqa: E402
from peers import audio, baresip, kamailio  # noqa: E402

OUT = os.path.join(ROOT, "build", "demo")
TALK_SECONDS = 10


def step(msg):
    print(f"demo: {msg}", flush=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/kernel.elf"], check=True)
    summary = {}
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        k = kamailio.Kamailio(lab.name, lab.tmp, users={"1000": "secret1000", "2000": "secret2000"})
        b = None
        tshark = None
        try:
            k.start()
            step("kamailio registrar/proxy on 192.0.2.1:5060 (digest auth), dnsmasq for DHCP/DNS")
            b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000", auto_answer=True)
            b.start(timeout=20)
            step("baresip registered as 2000, auto-answer, plays a 1 kHz tone")
            pcap = os.path.join(OUT, "call.pcap")
            tshark = lab.ns_popen("tshark", "-q", "-i", lab.tap, "-f", "udp", "-w", pcap,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.5)
            wav = os.path.join(OUT, "speaker.wav")
            cmdline = ("net=dhcp sip.server=sip.lab.test sip.user=1000 sip.password=secret1000 "
                       "sip.name=Offhook phone.tone=440")
            step(f"booting the phone: {cmdline}")
            # The speaker recorded at the phone's own 8 kHz: at QEMU's default 44.1 kHz its
            # linear-interpolation resampler alone costs ~9 dB of SINAD. QEMU's own messages
            # (the wav backend has no capture voice for AC97's inputs) go to qemu.log.
            lab.boot(cmdline, smp=2, extra=["-device", "AC97,audiodev=snd", "-audiodev",
                                            f"wav,id=snd,path={wav},out.frequency=8000"],
                     qemu_log=os.path.join(OUT, "qemu.log"))
            m = lab.wait_for(r"phone: registered (\d+) ms after kernel entry", timeout=90)
            if not m:
                step("the phone did not register; console tail:\n" + lab.console_text()[-1500:])
                return 1
            summary["registered_ms"] = int(m.group(1))
            step(f"registered {m.group(1)} ms after kernel entry")
            mark = lab.mark()
            bm = b.mark()
            lab.send("dial 2000")
            a = lab.wait_for(r"phone: call answered \(set-up (\d+) ms\)", timeout=30, start=mark)
            if not a:
                step("the call was not answered; console tail:\n" + lab.console_text()[-1500:])
                return 1
            summary["setup_ms"] = int(a.group(1))
            step(f"call answered by baresip (set-up {a.group(1)} ms); talking for {TALK_SECONDS} s")
            time.sleep(TALK_SECONDS)
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
            lab.send("exit")
            try:
                lab.qemu.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
            for key in ("rtp_sent", "rtp_received", "lost", "jitter_ms", "jb_underruns", "audio_underruns",
                        "concealed", "rtt_ms"):
                mm = re.search(rf"\b{key}=(-?\d+)", stats_line)
                if mm:
                    summary[key] = int(mm.group(1))
            heard = b.recording("dec")
            if heard:
                shutil.copy(heard, os.path.join(OUT, "baresip-heard.wav"))
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
            with open(os.path.join(OUT, "console.log"), "w") as f:
                f.write(lab.console_text())
            with open(os.path.join(OUT, "kamailio.log"), "w") as f:
                f.write(k.log())

    print()
    print("=== Offhook demo summary ===")
    print(f"time to registered (kernel entry): {summary.get('registered_ms', '?')} ms")
    print(f"call set-up time (INVITE to answer): {summary.get('setup_ms', '?')} ms")
    print(f"RTP sent / received: {summary.get('rtp_sent', '?')} / {summary.get('rtp_received', '?')}")
    print(f"loss (RFC 3550): {summary.get('lost', '?')} packets; interarrival jitter: {summary.get('jitter_ms', '?')} ms;"
          f" RTCP round trip: {summary.get('rtt_ms', '?')} ms")
    print(f"jitter buffer: concealed frames {summary.get('concealed', '?')}, underruns {summary.get('jb_underruns', '?')};"
          f" AC97 underruns: {summary.get('audio_underruns', '?')}")
    spk = os.path.join(OUT, "speaker.wav")
    if os.path.exists(spk) and os.path.getsize(spk) > 44:
        p = audio.tone_presence(spk, 1000, tolerance=2)
        # The median block's SINAD over the call's middle (the tone's start and end aside).
        blocks = [sd for t, lvl, sd in audio.sinad_blocks(spk, 1000) if lvl > -40]
        mid = sorted(blocks[len(blocks) // 10: len(blocks) * 9 // 10])
        sinad = f", SINAD {mid[len(mid) // 2]:.1f} dB (median 20 ms block, at 8 kHz)" if mid else ""
        print(f"phone speaker ({spk}): 1 kHz for {p['seconds']:.1f} s{sinad}")
    bh = os.path.join(OUT, "baresip-heard.wav")
    if os.path.exists(bh):
        p = audio.tone_presence(bh, 440, tolerance=5)
        print(f"baresip heard ({bh}): 440 Hz for {p['seconds']:.1f} s")
    print(f"network stack drops during the run: {summary.get('net_drops', '?')} (netstat in console.log)")
    print(f"wire capture: {os.path.join(OUT, 'call.pcap')}; console: {os.path.join(OUT, 'console.log')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
