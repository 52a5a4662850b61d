#!/usr/bin/env python3
"""The real peers the phone is tested against, proven without the phone: in a lab namespace
(netlab.Lab, dnsmasq) Kamailio is the registrar/proxy with digest auth, sipp stands in for the
phone as user 1000 and baresip is user 2000.

- sipp and baresip register through 401 digest challenges (qop=auth); a 20 s expiry is allowed;
- a REGISTER with a wrong password gets 403;
- sipp calls 2000 through Kamailio (407 challenge), baresip answers, sipp plays g711a.pcap and
  sends RFC 4733 digit '1', then BYE; the BYE is routed through the proxy (record-route);
- baresip reports the digit and its recording has the pcap's audio (loudness contour);
- baresip dials 1000 and sipp's UAS scenario answers, plays and hangs up;
- baresip 2000 calls an auto-answering baresip 3000, sends DTMF "5#" and hangs up.
Prints PASS/FAIL/SKIP lines (prefix peers/) and always exits 0.
"""
import os
import shutil
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import netlab  # noqa: E402
from peers import audio, baresip, kamailio, sipp  # noqa: E402

USERS = {"1000": "secret1000", "2000": "secret2000", "3000": "secret3000"}


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} peers/{name}{'' if ok else ': ' + detail}", flush=True)


def skip(name, why):
    print(f"SKIP peers/{name}: {why}", flush=True)


def tail(text, n=800):
    return repr(text[-n:])


def run(lab):
    k = kamailio.Kamailio(lab.name, lab.tmp, users=USERS, min_expires=10, max_expires=3600)
    k.start()
    b = None
    try:
        result("kamailio_start", True)

        # sipp (the phone's stand-in) registers 1000 for 20 s: 401 challenge, then 200.
        r = sipp.register(lab.name, lab.tmp, "1000", USERS["1000"], local_port=5070, expires=20)
        reg = k.wait_registered("1000", timeout=2)
        result("sipp_register_digest", r.ok and reg is not None,
               f"sipp rc={r.rc}; {tail(r.trace())} kamailio: {tail(k.log())}")
        result("short_expiry_allowed", reg is not None and "expires=20" in reg.string[reg.start():reg.start() + 200],
               f"no 20 s binding in the log: {tail(k.log())}")
        challenged = "CHALLENGE REGISTER 1000" in k.log()
        result("register_challenged_first", challenged, "no 401 before the 200")

        # A wrong password is refused with 403 (not re-challenged forever).
        m = k.mark()
        r = sipp.register_forbidden(lab.name, lab.tmp, "1000", "not-the-password", local_port=5071)
        result("register_wrong_password_403", r.ok and k.wait_log(r"AUTHFAIL REGISTER 1000", 2, m),
               f"sipp rc={r.rc}; {tail(r.trace())}")
        m = k.mark()
        r = sipp.register_forbidden(lab.name, lab.tmp, "4000", "whatever", local_port=5071)
        result("register_unknown_user_403", r.ok, f"sipp rc={r.rc}; {tail(r.trace())}")

        # baresip registers 2000 with digest auth.
        b = baresip.Baresip(lab.name, lab.tmp, user="2000", password=USERS["2000"], sip_port=5062)
        b.start(timeout=10)
        result("baresip_register_digest", k.registered("2000"), f"kamailio: {tail(k.log())}")

        # sipp (1000) calls 2000 through the proxy; baresip answers manually.
        m = k.mark()
        mark = b.mark()
        call = sipp.call(lab.name, lab.tmp, "2000", "1000", USERS["1000"], local_port=5070,
                         media_port=6000, hold_ms=500, wait=False)
        inc = b.wait_event("CALL_INCOMING", 10, mark)
        if inc:
            b.answer()
        est = b.wait_event("CALL_ESTABLISHED", 5, mark)
        ok = call.wait(timeout=30)
        closed = b.wait_event("CALL_CLOSED", 5, mark)
        result("call_through_proxy", bool(inc and est and ok and closed),
               f"events={b.event_types()} sipp rc={call.rc}; {tail(call.trace(), 1500)}")
        result("invite_challenged_407", k.wait_log(r"CHALLENGE INVITE 1000", 1, m) is not None,
               "no 407 for the INVITE")
        result("bye_record_routed", k.wait_log(r"ROUTE BYE sip:2000", 1, m) is not None,
               f"BYE did not pass the proxy: {tail(k.log())}")
        digits = b.dtmf_digits()
        result("baresip_dtmf_rfc4733", digits == "1", f"digits received {digits!r}")

        rec = b.recording("dec")
        ref = audio.pcap_audio(sipp.PCAP_G711A)
        if rec:
            w = audio.load(rec)
            corr, lag = audio.envelope_similarity(ref, w)
            ok = corr >= 0.9 and abs(w.seconds - ref.seconds) < 0.5
            result("baresip_heard_pcap", ok, f"corr={corr} lag={lag}s rec={w.seconds:.2f}s "
                   f"ref={ref.seconds:.2f}s active={audio.active_seconds(w)}s")
        else:
            result("baresip_heard_pcap", False, "no recording")
        sent = b.recording("enc")
        t = audio.tone_presence(sent, 1000, 2) if sent else {}
        result("baresip_sent_tone", bool(t) and t["within_tolerance"] and t["seconds"] > 5,
               f"{t}")

        # baresip dials 1000; sipp answers at 1000's registered contact, plays, hangs up.
        mark = b.mark()
        uas = sipp.uas(lab.name, lab.tmp, local_port=5070, media_port=6010, bye_after_ms=1500)
        if not k.registered("1000"):
            sipp.register(lab.name, lab.tmp, "1000", USERS["1000"], local_port=5072)
        b.dial("sip:1000@192.0.2.1")
        est = b.wait_event("CALL_ESTABLISHED", 10, mark)
        ok = uas.wait(timeout=20)
        closed = b.wait_event("CALL_CLOSED", 5, mark)
        result("baresip_dial_sipp_uas", bool(est and ok and closed),
               f"events={b.event_types()[-8:]} sipp rc={uas.rc}; {tail(uas.trace(), 1500)}")

        # baresip 2000 calls an auto-answering baresip 3000 and sends DTMF "5#" (RFC 4733).
        b3 = baresip.Baresip(lab.name, lab.tmp, user="3000", password=USERS["3000"], sip_port=5064,
                             ctrl_port=4445, rtp_ports=(10100, 10198), auto_answer=True,
                             name="baresip3000")
        try:
            b3.start(timeout=10)
            mark, mark3 = b.mark(), b3.mark()
            b.dial("sip:3000@192.0.2.1")
            est3 = b3.wait_event("CALL_ESTABLISHED", 10, mark3)
            est = b.wait_event("CALL_ESTABLISHED", 10, mark)
            result("baresip_auto_answer", bool(est3 and est), f"events={b3.event_types()}")
            b.send_dtmf("5#")
            b3.wait_event("CALL_DTMF_START", 3, mark3, where=lambda e: e.get("param") == "#")
            result("baresip_send_dtmf", b3.dtmf_digits() == "5#", f"got {b3.dtmf_digits()!r}")
            b.hangup()
            result("baresip_hangup", b3.wait_event("CALL_CLOSED", 5, mark3) is not None,
                   f"events={b3.event_types()}")
        finally:
            b3.stop()
    finally:
        if b:
            b.stop()
        k.stop()


def main():
    if os.geteuid() != 0:
        skip("all", "needs root for network namespaces")
        return 0
    missing = [t for t in ("kamailio", "baresip", "sipp", "sox", "dnsmasq") if not shutil.which(t)]
    if missing:
        skip("all", f"missing {' '.join(missing)} (tools/deps.sh)")
        return 0
    try:
        with netlab.Lab() as lab:
            lab.start_dnsmasq()
            try:
                run(lab)
            except Exception:
                result("harness", False, traceback.format_exc()[-1500:].replace("\n", " | "))
                if os.environ.get("OFFHOOK_KEEP_LAB"):
                    print(f"logs in {lab.tmp}")
    except Exception:
        result("lab", False, traceback.format_exc()[-800:].replace("\n", " | "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
