#!/usr/bin/env python3
"""The phone end to end, in the lab with real peers (Kamailio registrar/proxy with digest
auth, baresip, sipp), the kernel in QEMU with an e1000 and an AC97 codec (wav backend):

1. registration with digest auth; a refresh reaches the registrar before the short expiry;
   a wrong password gives a clear console error and backs off (no REGISTER storm);
2. baresip calls the phone through Kamailio, the phone auto-answers; baresip's 1 kHz reaches
   the phone's AC97 output (QEMU's WAV) and the phone's 440 Hz reaches baresip's recording;
   baresip hangs up, the phone sees it;
3. the phone dials baresip through Kamailio (proxy challenge answered), sends DTMF 1234 with
   RFC 4733 and baresip reports 1234; the phone hangs up;
4. sipp calls the phone directly from a sip.trusted address:port (INVITE, 200, ACK, RTP from
   a pcap, BYE) and a sipp UAS answers a call the phone places; the same sipp from another port
   of the registrar's host is refused (403: trust is the registrar's flow, address and port).
"""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import netlab  # noqa: E402
from peers import audio, baresip, kamailio, sipp  # noqa: E402

PHONE_IP = "192.0.2.10"
USERS = {"1000": "secret1000", "2000": "secret2000", "3000": "secret3000"}


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} phone/{name}{'' if ok else ': ' + str(detail)[:600]}", flush=True)


def stat(lab, key):
    mark = lab.mark()
    lab.send("stats")
    m = lab.wait_for(rf"stats: .*\b{key}=(\d+)", timeout=10, start=mark)
    return int(m.group(1)) if m else None


def boot_phone(lab, password, extra_cmdline="", wav=None):
    cmdline = (f"net={PHONE_IP}/24,gw=192.0.2.1,dns=192.0.2.1 sip.server=192.0.2.1 sip.user=1000 "
               f"sip.password={password} sip.autoanswer=1 sip.expires=20 phone.tone=440 {extra_cmdline}")
    extra = []
    if wav:
        extra = ["-device", "AC97,audiodev=snd", "-audiodev", f"wav,id=snd,path={wav}"]
    lab.boot(cmdline, smp=2, extra=extra)


def wrong_password():
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        k = kamailio.Kamailio(lab.name, lab.tmp, users=USERS, min_expires=10)
        k.start()
        try:
            boot_phone(lab, "wrong-password")
            m = lab.wait_for(r"phone: registration failed: (\d+)", timeout=60)
            result("wrong_password_error", m is not None and m.group(1) in ("401", "403"),
                   lab.console_text()[-400:])
            time.sleep(15)
            attempts = len(re.findall(r"REQ REGISTER .* from 192\.0\.2\.10:", k.log()))
            # A storm would be dozens a second; back-off keeps it to a handful in ~20 s.
            result("wrong_password_backs_off", 0 < attempts <= 8, f"{attempts} REGISTERs in about 20 s")
        finally:
            k.stop()


def calls():
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        wav = os.path.join(lab.tmp, "phone-speaker.wav")
        k = kamailio.Kamailio(lab.name, lab.tmp, users=USERS, min_expires=10)
        k.start()
        b = None
        try:
            b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000", auto_answer=True)
            b.start(timeout=20)
            kmark = k.mark()
            boot_phone(lab, "secret1000", wav=wav, extra_cmdline="sip.trusted=192.0.2.1:5090")
            reg = lab.wait_for(r"phone: registered \(200\)", timeout=60)
            first = k.wait_log(r"REGISTERED 1000 .*expires=20", timeout=5, start=kmark) if reg else None
            result("registered_digest", reg is not None and first is not None and "CHALLENGE REGISTER 1000" in k.log(),
                   lab.console_text()[-500:])
            if not reg:
                return
            t0 = time.time()
            kmark = k.mark()
            refresh = k.wait_log(r"REGISTERED 1000 .*expires=20", timeout=25, start=kmark)
            elapsed = time.time() - t0
            result("refresh_before_expiry", refresh is not None and elapsed < 20, f"refresh after {elapsed:.1f} s")

            # 2. baresip -> phone (auto-answer), audio both ways.
            mark = lab.mark()
            bm = b.mark()
            b.dial("sip:1000@192.0.2.1")
            est = b.wait_event("CALL_ESTABLISHED", timeout=20, start=bm)
            ans = lab.wait_for(r"phone: call answered", timeout=20, start=mark)
            result("incoming_autoanswer", est is not None and ans is not None, lab.console_text()[-500:])
            time.sleep(6)
            b.hangup()
            ended = lab.wait_for(r"phone: call ended \(remote hangup", timeout=15, start=mark)
            result("incoming_remote_hangup", ended is not None, lab.console_text()[-300:])
            time.sleep(1)
            rec = b.recording("dec")
            if rec:
                # seconds counts only runs measured within 5 Hz of 440 (tools/peers/audio.py).
                p = audio.tone_presence(rec, 440, tolerance=5)
                result("phone_sends_440hz", p["seconds"] >= 3 and p["within_tolerance"],
                       f"440 Hz for {p['seconds']:.2f} s in {rec}; {p}")
            else:
                result("phone_sends_440hz", False, "baresip recorded nothing")

            # 3. phone -> baresip through the proxy, DTMF 1234.
            mark = lab.mark()
            bm = b.mark()
            lab.send("dial sip:2000@192.0.2.1")
            est = b.wait_event("CALL_ESTABLISHED", timeout=20, start=bm)
            ans = lab.wait_for(r"phone: call answered", timeout=20, start=mark)
            challenged = re.search(r"CHALLENGE INVITE 1000", k.log()) is not None
            result("outgoing_via_proxy_auth", est is not None and ans is not None and challenged,
                   f"established={est is not None} answered={ans is not None} challenged={challenged}")
            time.sleep(1)
            lab.send("dtmf 1234")
            digits = b.wait_dtmf("1234", timeout=15)
            result("dtmf_1234_rfc4733", "1234" in digits, f"baresip reported {digits!r}")
            bm2 = b.mark()
            lab.send("hangup")
            closed = b.wait_event("CALL_CLOSED", timeout=15, start=bm2)
            ended = lab.wait_for(r"phone: call ended \(local hangup", timeout=15, start=mark)
            result("outgoing_local_hangup", closed is not None and ended is not None, lab.console_text()[-300:])

            # 4a. sipp calls the phone directly; 4b. the phone calls a sipp UAS.
            mark = lab.mark()
            r = sipp.run_scenario(lab.name, lab.tmp, os.path.join(HERE, "scenarios", "uac_direct.xml"),
                                  remote=f"{PHONE_IP}:5060", local_port=5090,
                                  args=["-s", "1000", "-mi", "192.0.2.1", "-mp", "6020"], timeout=40)
            result("sipp_direct_call", r.ok and lab.wait_for(r"phone: call ended \(remote hangup", timeout=5,
                                                             start=mark) is not None,
                   f"sipp rc {r.rc}; {r.trace()[-400:] if r.rc else ''}")
            # The same caller one port off: the registrar's host, but neither its flow nor trusted.
            before = stat(lab, "untrusted_403")
            mark = lab.mark()
            r = sipp.run_scenario(lab.name, lab.tmp, os.path.join(HERE, "scenarios", "uac_direct.xml"),
                                  remote=f"{PHONE_IP}:5060", local_port=5091,
                                  args=["-s", "1000", "-mi", "192.0.2.1", "-mp", "6022"], timeout=15)
            after = stat(lab, "untrusted_403")
            rang = lab.wait_for(r"phone: incoming call", timeout=1, start=mark) is not None
            result("other_port_refused", not r.ok and not rang and before is not None and after is not None
                   and after > before, f"sipp rc {r.rc}, untrusted_403 {before}->{after}, rang {rang}")
            mark = lab.mark()
            reg = sipp.register(lab.name, lab.tmp, user="3000", password="secret3000", local_port=5080)
            u = sipp.uas(lab.name, lab.tmp, local_port=5080, media_port=6010, bye_after_ms=3000)
            time.sleep(0.5)
            lab.send("dial 3000")
            ok = u.wait(timeout=40)
            ended = lab.wait_for(r"phone: call ended \(remote hangup", timeout=10, start=mark)
            result("sipp_uas_answers_phone", reg.ok and ok and ended is not None,
                   f"register {reg.rc}, uas rc {u.rc}; {lab.console_text()[-300:]}")

            # QEMU writes the WAV header when it exits: power off, then read the speaker.
            lab.send("poweroff")
            try:
                lab.qemu.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
            if os.path.exists(wav) and os.path.getsize(wav) > 44:
                p = audio.tone_presence(wav, 1000, tolerance=2)
                result("phone_hears_1khz", p["seconds"] >= 3 and p["within_tolerance"],
                       f"1 kHz for {p['seconds']:.2f} s; {p}")
            else:
                result("phone_hears_1khz", False, "no AC97 output WAV")
        finally:
            if b:
                b.stop()
            k.stop()


def main():
    r = subprocess.run(["make", "-C", netlab.ROOT, "--no-print-directory", "build/kernel.elf", "userland"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        result("build", False, "kernel build failed")
        return 0
    calls()
    wrong_password()
    return 0


if __name__ == "__main__":
    sys.exit(main())
