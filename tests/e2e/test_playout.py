#!/usr/bin/env python3
"""Playout continuity (issue 11): a call of PLAYOUT_SECONDS (default 65) in the lab, baresip
(through Kamailio) sending a steady 1 kHz tone to the phone, which plays it through AC97
into QEMU's wav backend at 8 kHz. tshark records the RTP that reached the phone.

The discontinuities of the tone (tools/peers/audio.py: phase jumps, lost or repeated
samples, level steps) are counted twice over the same steady stretch: in the RTP that
arrived (decoded in arrival order) and at the phone's speaker. The phone may not add any:
the speaker's count must not exceed the wire's. Also reported: the phone's jitter-buffer and
audio counters, and the discontinuities per minute.
"""
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import netlab  # noqa: E402
from peers import audio, baresip, kamailio  # noqa: E402

PHONE_IP = "192.0.2.10"
SECONDS = int(os.environ.get("PLAYOUT_SECONDS", "65"))


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} playout/{name}{'' if ok else ': ' + str(detail)[:600]}", flush=True)


def stats(lab):
    mark = lab.mark()
    lab.send("stats")
    m = lab.wait_for(r"stats: rtp_sent=.*", timeout=10, start=mark)
    return {k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)", m.group(0))} if m else {}


def main():
    r = subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/kernel.elf", "userland"], capture_output=True, text=True)
    if r.returncode:
        result("build", False, r.stderr[-500:])
        return 0
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        k = kamailio.Kamailio(lab.name, lab.tmp, users={"1000": "secret1000", "2000": "secret2000"})
        b = None
        ts = None
        try:
            k.start()
            tone = os.path.join(lab.tmp, "tone.wav")
            baresip.make_tone(tone, freq=1000, seconds=SECONDS + 120)
            b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000", auto_answer=True,
                                source_wav=tone)
            b.start(timeout=20)
            speaker = os.path.join(lab.tmp, "speaker.wav")
            lab.boot(f"net={PHONE_IP}/24,gw=192.0.2.1 sip.server=192.0.2.1 sip.user=1000 sip.password=secret1000 rtp.ports=4000-4001",
                     smp=2, extra=["-device", "AC97,audiodev=snd", "-audiodev",
                                   f"wav,id=snd,path={speaker},out.frequency=8000,out.channels=1"])
            if not lab.wait_for(r"phone: registered", timeout=90):
                result("registered", False, lab.console_text()[-500:])
                return 0
            pcap = os.path.join(lab.tmp, "rx.pcap")
            ts = lab.ns_popen("tshark", "-q", "-i", lab.tap, "-f", f"udp and dst host {PHONE_IP} and dst port 4000",
                              "-F", "pcap", "-w", pcap, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.5)
            mark = lab.mark()
            lab.send("dial 2000")
            if not lab.wait_for(r"phone: call answered", timeout=30, start=mark):
                result("call", False, lab.console_text()[-500:])
                return 0
            before = stats(lab)
            time.sleep(SECONDS)
            after = stats(lab)
            lab.send("hangup")
            lab.wait_for(r"phone: call ended", timeout=20, start=mark)
            ts.send_signal(signal.SIGINT)
            ts.wait(timeout=15)
            ts = None
            # QEMU writes the WAV header when it exits: power off, then read the speaker.
            lab.send("poweroff")
            try:
                lab.qemu.wait(timeout=20)
            except subprocess.TimeoutExpired:
                result("power_off", False, "QEMU did not exit")
                return 0
            wire = audio.discontinuities(audio.pcap_audio(pcap, dst_port=4000), 1000)
            heard = audio.discontinuities(speaker, 1000)
            d = {key: after.get(key, 0) - before.get(key, 0) for key in after}
            print(f"info: wire: {len(wire['events'])} discontinuities in {wire['judged_s']:.1f} s "
                  f"({wire['per_minute']:.2f}/min) at {wire['events'][:20]}", flush=True)
            print(f"info: speaker: {len(heard['events'])} discontinuities in {heard['judged_s']:.1f} s "
                  f"({heard['per_minute']:.2f}/min) at {heard['events'][:20]}", flush=True)
            print(f"info: during the call: {d}", flush=True)
            result("tone_heard_for_the_call", heard["judged_s"] >= SECONDS - 8,
                   f"steady tone at the speaker for {heard['judged_s']:.1f} s of {SECONDS}")
            result("wire_carried_the_tone", wire["judged_s"] >= SECONDS - 8,
                   f"steady tone in the RTP for {wire['judged_s']:.1f} s of {SECONDS}")
            result("no_discontinuity_added", len(heard["events"]) <= len(wire["events"]),
                   f"speaker {len(heard['events'])} ({heard['per_minute']:.2f}/min) at {heard['events'][:12]}; "
                   f"wire {len(wire['events'])}; counters {d}")
        finally:
            if ts:
                ts.send_signal(signal.SIGINT)
            if b:
                b.stop()
            k.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
