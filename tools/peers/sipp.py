"""sipp (Debian's sip-tester, 3.6.1) runs of the scenarios in tools/peers/scenarios/, inside the
lab namespace. Each run is one call (-m 1); success is sipp's exit status 0 (the call reached
the end of the scenario), and its message trace is kept for diagnosis.

    from peers import sipp
    r = sipp.register(netns, workdir, user="1000", password="secret1000", local_port=5070)
    r.ok, r.rc, r.trace()                        # finished run (blocking)
    r = sipp.register_forbidden(netns, workdir, user="1000", password="wrong")
    c = sipp.call(netns, workdir, callee="2000", user="1000", password="secret1000",
                  local_port=5070, media_port=6000, hold_ms=2000, wait=False)
    c.wait(timeout=40)                           # -> ok (bool)
    u = sipp.uas(netns, workdir, local_port=5080, media_port=6010, bye_after_ms=None)
                                                 # answers one INVITE, plays g711a.pcap
    sipp.run_scenario(netns, workdir, "register.xml", remote="192.0.2.1:5060", args=[...])

Scenarios (keys passed with -key/-s):
    register.xml            REGISTER, 401, REGISTER with [authentication], 200
    register_forbidden.xml  same, expects 403 (wrong password)
    uac_call.xml            INVITE, 407, ACK, INVITE with auth, 200, ACK, plays g711a.pcap (7 s)
                            then RFC 4733 digit '1', pause -d ms, BYE, 200
    uas_answer.xml          INVITE -> 180, 200 (PCMA/8000 + telephone-event), ACK, plays
                            g711a.pcap, waits for BYE (60 s), 200
    uas_answer_bye.xml      same but sends BYE itself after -d ms
"""
import os
import subprocess
import time

from . import proc

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "scenarios")
PCAP_G711A = "/usr/share/sip-tester/g711a.pcap"
PCAP_DTMF = "/usr/share/sip-tester/dtmf_2833_{}.pcap"


class Run:
    """One sipp process; trace files live in self.dir."""

    def __init__(self, popen, run_dir, name):
        self.proc, self.dir, self.name = popen, run_dir, name
        self.rc = None

    def wait(self, timeout=60):
        try:
            self.rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.stop(self.proc)
            self.rc = self.proc.returncode if self.proc.returncode is not None else -1
        return self.ok

    @property
    def ok(self):
        return self.rc == 0

    def stop(self):
        proc.stop(self.proc)
        if self.rc is None:
            self.rc = self.proc.returncode

    def trace(self):
        """All sipp output: console log, message trace and error trace."""
        out = []
        for f in sorted(os.listdir(self.dir)):
            out.append(f"== {f}\n" + proc.read(os.path.join(self.dir, f)))
        return "\n".join(out)


_counter = [0]


def run_scenario(netns, workdir, scenario, remote="192.0.2.1:5060", local_ip="192.0.2.1",
                 local_port=5070, args=(), wait=True, timeout=60):
    """Run tools/peers/scenarios/<scenario> (or a path) for one call. Returns a Run; when wait
    is true the run has finished (or was killed at `timeout`)."""
    _counter[0] += 1
    name = os.path.splitext(os.path.basename(scenario))[0]
    run_dir = os.path.join(workdir, "sipp", f"{_counter[0]:02d}-{name}")
    os.makedirs(run_dir, exist_ok=True)
    path = scenario if os.path.isabs(scenario) else os.path.join(SCENARIOS, scenario)
    argv = ["sipp", "-sf", path, "-i", local_ip, "-p", str(local_port), "-m", "1", "-t", "u1",
            "-nostdin", "-trace_msg", "-message_file", os.path.join(run_dir, "messages.log"),
            "-trace_err", "-error_file", os.path.join(run_dir, "errors.log"),
            "-timeout", f"{int(timeout)}s", "-timeout_error", *args]
    if remote:
        argv.append(remote)
    p = proc.spawn(netns, argv, os.path.join(run_dir, "console.log"), cwd=run_dir)
    r = Run(p, run_dir, name)
    if wait:
        r.wait(timeout + 10)
    return r


def _auth(user, password, domain):
    return ["-au", user, "-ap", password, "-key", "aor_user", user, "-key", "domain", domain,
            "-s", user]


def register(netns, workdir, user, password, proxy="192.0.2.1:5060", domain="192.0.2.1",
             local_ip="192.0.2.1", local_port=5070, expires=60, wait=True, timeout=15):
    """REGISTER user from local_ip:local_port with digest auth; expects 200 (expires=0 removes)."""
    return run_scenario(netns, workdir, "register.xml", proxy, local_ip, local_port,
                        _auth(user, password, domain) + ["-key", "expires", str(expires)],
                        wait, timeout)


def register_forbidden(netns, workdir, user, password, proxy="192.0.2.1:5060",
                       domain="192.0.2.1", local_ip="192.0.2.1", local_port=5071, wait=True,
                       timeout=15):
    """REGISTER with a (wrong) password; the run is ok only when the server answers 403."""
    return run_scenario(netns, workdir, "register_forbidden.xml", proxy, local_ip, local_port,
                        _auth(user, password, domain) + ["-key", "expires", "60"], wait, timeout)


def call(netns, workdir, callee, user, password, proxy="192.0.2.1:5060", domain="192.0.2.1",
         local_ip="192.0.2.1", local_port=5070, media_port=6000, hold_ms=1000, wait=True,
         timeout=40):
    """Call callee@domain through the proxy as user; after the answer play g711a.pcap (7 s),
    send DTMF '1' (RFC 4733), wait hold_ms, BYE."""
    a = _auth(user, password, domain)
    a[a.index("-s") + 1] = callee
    a += ["-mi", local_ip, "-mp", str(media_port), "-d", str(hold_ms)]
    return run_scenario(netns, workdir, "uac_call.xml", proxy, local_ip, local_port, a, wait,
                        timeout)


def uas(netns, workdir, local_ip="192.0.2.1", local_port=5080, media_port=6010,
        bye_after_ms=None, timeout=90):
    """Answer one INVITE on local_ip:local_port and play g711a.pcap; hang up after bye_after_ms
    or wait for the caller's BYE when None. Returns the running Run (call .wait())."""
    scenario = "uas_answer.xml" if bye_after_ms is None else "uas_answer_bye.xml"
    a = ["-mi", local_ip, "-mp", str(media_port)]
    if bye_after_ms is not None:
        a += ["-d", str(bye_after_ms)]
    return run_scenario(netns, workdir, scenario, None, local_ip, local_port, a, False, timeout)
