#!/usr/bin/env python3
"""The phone from user space (issue 15): the phone boots to the user shell sh (the default
console: no init= on the command line), and is driven only through it, in the lab with
Kamailio and baresip:

- user_shell_up: sh (a ring-3 program) starts and prompts;
- phone_dial_from_sh: `phone dial 2000` typed to sh spawns the user program `phone`, whose
  PhoneCommand system call dials; baresip (auto-answer) answers, and the phone is in a call;
- audio_both_ways: baresip's 1 kHz reaches the phone's speaker (AC97 into QEMU's WAV at
  8 kHz) and the phone's 440 Hz test tone reaches baresip's recording;
- phone_hangup_from_sh: `phone hangup` ends it; baresip sees the BYE (CALL_CLOSED);
- phone_watch_events: `phone watch 3 20 &` (PhoneEvent system call, a background job of sh)
  prints, as events, the incoming call baresip makes to the phone ("ringing sip:2000@..."),
  its answer (`phone answer` typed to sh meanwhile), and its end when baresip hangs up; sh
  reports the job done;
- unknown_program_refused: a name that is no program gets sh's "no such program", and sh
  goes on (`hello` runs next);
- ping_from_sh: `ping 192.0.2.1 2` (the Ping system call) gets both replies from the lab's
  host; `ping 192.0.2.99 1`, an address nobody holds, times out;
- sh_restarted_after_exit: `exit` ends sh, and init starts it again.
Prints PASS/FAIL lines (prefix user_phone/) and exits 0.
"""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import netlab  # noqa: E402
from peers import audio, baresip, kamailio  # noqa: E402

PHONE_IP = "192.0.2.10"


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} user_phone/{name}{'' if ok else ': ' + str(detail)[:600]}", flush=True)


def raw_wav(path):
    """QEMU's WAV (8 kHz mono 16-bit, as asked) while QEMU still runs: its header's sizes are
    written only at exit, so the samples are read past the 44-byte header."""
    import array
    with open(path, "rb") as f:
        f.seek(44)
        raw = f.read()
    a = array.array("h")
    a.frombytes(raw[:len(raw) - len(raw) % 2])
    return audio.Wav(8000, [v / 32768.0 for v in a])


def main():
    r = subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/kernel.elf", "userland"],
                       capture_output=True, text=True)
    if r.returncode:
        result("build", False, r.stderr[-500:])
        return 0
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        k = kamailio.Kamailio(lab.name, lab.tmp, users={"1000": "secret1000", "2000": "secret2000"})
        b = None
        try:
            k.start()
            tone = os.path.join(lab.tmp, "tone.wav")
            baresip.make_tone(tone, freq=1000, seconds=120)
            b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000", auto_answer=True,
                                source_wav=tone)
            b.start(timeout=20)
            speaker = os.path.join(lab.tmp, "speaker.wav")
            lab.boot(f"net={PHONE_IP}/24,gw=192.0.2.1 sip.server=192.0.2.1 sip.user=1000 sip.password=secret1000 "
                     f"phone.tone=440", smp=2,
                     extra=["-device", "AC97,audiodev=snd", "-audiodev",
                            f"wav,id=snd,path={speaker},out.frequency=8000,out.channels=1"])
            up = lab.wait_for(r"sh: ready", timeout=60)
            reg = lab.wait_for(r"phone: registered", timeout=60)
            result("user_shell_up", up is not None, lab.console_text()[-600:])
            if not (up and reg):
                result("registered", False, lab.console_text()[-600:])
                return 0
            time.sleep(0.5)

            mark = lab.mark()
            bm = b.mark()
            lab.send("phone dial 2000")
            answered = lab.wait_for(r"phone: call answered", timeout=30, start=mark)
            spawned = lab.wait_for(r"dial 2000", timeout=5, start=mark)
            result("phone_dial_from_sh", answered is not None and spawned is not None
                   and b.wait_event("CALL_ESTABLISHED", timeout=10, start=bm) is not None,
                   lab.console_text()[-800:])
            time.sleep(6)  # audio both ways
            mark = lab.mark()
            lab.send("phone hangup")
            ended = lab.wait_for(r"phone: call ended \(local hangup", timeout=20, start=mark)
            closed = b.wait_event("CALL_CLOSED", timeout=15, start=bm)
            result("phone_hangup_from_sh", ended is not None and closed is not None,
                   f"phone ended {ended is not None}, baresip closed {closed is not None}: "
                   + lab.console_text()[-500:])
            time.sleep(1.0)
            rec = b.recording()
            sent = audio.tone_presence(rec, 440, tolerance=5) if rec else None

            # Events: a watcher in the background while baresip calls the phone, answered from sh.
            lab.wait_for(r"user: 'phone' \(pid \d+\) exited with 0", timeout=5, start=mark)
            mark = lab.mark()
            lab.send("phone watch 3 20 &")
            watching = lab.wait_for(r"phone: watching", timeout=10, start=mark)
            job = lab.wait_for(r"sh: \[(\d+)\] phone started", timeout=10, start=mark)
            bm = b.mark()
            b.dial(f"sip:1000@192.0.2.1")
            ringing = lab.wait_for(r"phone event: ringing sip:2000@", timeout=20, start=mark)
            lab.send("phone answer")
            answered = lab.wait_for(r"phone event: answered", timeout=20, start=mark)
            time.sleep(2)
            b.hangup()
            ended = lab.wait_for(r"phone event: ended remote hangup", timeout=20, start=mark)
            lab.wait_for(r"user: 'phone' \(pid %s\) exited with 0" % (job.group(1) if job else "x"), timeout=10,
                         start=mark)
            lab.send("jobs")  # sh reports the ended job before its next prompt
            done = lab.wait_for(r"sh: \[%s\] phone done \(0\)" % (job.group(1) if job else "x"), timeout=10,
                                start=mark)
            result("phone_watch_events", watching and job and ringing and answered and ended and done,
                   f"watching {watching is not None}, ringing {ringing is not None}, answered "
                   f"{answered is not None}, ended {ended is not None}, prompt back {done is not None}: "
                   + lab.console_text()[-700:])

            mark = lab.mark()
            lab.send("ping 192.0.2.1 2")
            got = lab.wait_for(r"ping: 2/2 replies", timeout=20, start=mark)
            lab.send("ping 192.0.2.99 1")
            lost = lab.wait_for(r"ping: seq 1 timed out", timeout=20, start=mark)
            result("ping_from_sh", got is not None and lost is not None, lab.console_text()[-400:])
            mark = lab.mark()
            lab.send("nosuchprog x")
            refused = lab.wait_for(r"sh: nosuchprog: no such program", timeout=10, start=mark)
            lab.send("hello")
            hello = lab.wait_for(r"hello", timeout=10, start=lab.mark() - 1)
            result("unknown_program_refused", refused is not None and hello is not None, lab.console_text()[-400:])

            mark = lab.mark()
            lab.send("exit")  # sh's exit: init starts it again
            again = lab.wait_for(r"user: init 'sh' ended \(0\)", timeout=10, start=mark)
            again = again and lab.wait_for(r"sh: ready", timeout=10, start=mark)
            result("sh_restarted_after_exit", again is not None, lab.console_text()[-300:])
            heard = audio.tone_presence(raw_wav(speaker), 1000, tolerance=5) if os.path.exists(speaker) else None
            result("audio_both_ways", heard is not None and heard["seconds"] >= 3 and sent is not None
                   and sent["seconds"] >= 3,
                   f"speaker 1 kHz {heard}; baresip heard 440 Hz {sent} in {rec}")
        finally:
            if b:
                b.stop()
            k.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
