"""baresip (Debian 12: 1.0.0) as the lab's softphone, driven through its ctrl_tcp module
(netstring-framed JSON commands and events), sending a WAV file (aufile) and recording what it
hears (sndfile module: dump-<time>-dec.wav = received audio, -enc.wav = sent audio).

    from peers import baresip
    b = baresip.Baresip(netns, workdir, user="2000", password="secret2000",
                        registrar="192.0.2.1", sip_port=5062, auto_answer=False,
                        source_wav=None)   # default: a 30 s 1000 Hz sine made with sox
    b.start()                                  # waits for REGISTER_OK (register=True)
    b.dial("sip:1000@192.0.2.1")               # ctrl_tcp "dial"
    ev = b.wait_event("CALL_ESTABLISHED", timeout=10)   # -> dict (the JSON event) or None
    b.answer(); b.hangup(); b.send_dtmf("123")
    b.wait_event("CALL_DTMF_START", timeout=5)["param"]  # digit received (RFC 4733 or INFO)
    b.recording()                              # path of the newest received-audio WAV
    b.stop()

Event dicts are baresip's JSON: {"event": true, "class": "call"|"register"|..., "type":
"CALL_INCOMING"|"CALL_RINGING"|"CALL_PROGRESS"|"CALL_ESTABLISHED"|"CALL_CLOSED"|
"CALL_DTMF_START"|"CALL_DTMF_END"|"REGISTER_OK"|"REGISTER_FAIL"|..., "accountaor": ...,
"direction": "incoming"|"outgoing", "peeruri": ..., "id": <call-id>, "param": ...}.
For CALL_DTMF_START "param" is the digit; for CALL_CLOSED it is the reason.

The control socket lives in the lab namespace; it is reached by opening the socket from a
thread that has entered the namespace (setns via ctypes, so the test itself runs outside).
"""
import ctypes
import glob
import json
import os
import re
import socket
import subprocess
import threading
import time

from . import proc

MODULE_DIR = "/usr/lib/baresip/modules"
CLONE_NEWNET = 0x40000000


def make_tone(path, freq=1000, seconds=30, rate=8000):
    """A mono 16-bit sine WAV made with sox (aufile needs S16LE at the source rate)."""
    subprocess.run(["sox", "-n", "-r", str(rate), "-c", "1", "-b", "16", path, "synth",
                    str(seconds), "sine", str(freq), "vol", "0.5"], check=True)
    return path


def connect_in_netns(netns, addr, timeout=5):
    """A TCP socket connected to addr from inside network namespace `netns` (None: host)."""
    result = {}

    def body():
        try:
            if netns:
                libc = ctypes.CDLL(None, use_errno=True)
                fd = os.open(f"/var/run/netns/{netns}", os.O_RDONLY)
                try:
                    if libc.setns(fd, CLONE_NEWNET) != 0:
                        raise OSError(ctypes.get_errno(), "setns failed")
                finally:
                    os.close(fd)
            s = socket.create_connection(addr, timeout=timeout)
            result["sock"] = s
        except OSError as e:
            result["err"] = e

    t = threading.Thread(target=body, daemon=True)  # this thread dies in the namespace
    t.start()
    t.join()
    if "err" in result:
        raise result["err"]
    return result["sock"]


class Baresip:
    def __init__(self, netns, workdir, user="2000", password="secret2000", registrar="192.0.2.1",
                 domain=None, local_ip="192.0.2.1", sip_port=5062, ctrl_port=4444,
                 rtp_ports=(10000, 10098), auto_answer=False, source_wav=None, register=True,
                 regint=600, interface="tap0", name="baresip"):
        self.netns = netns
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.rec_dir = os.path.join(self.dir, "recordings")
        os.makedirs(self.rec_dir, exist_ok=True)
        self.user, self.password = user, password
        self.domain = domain or registrar
        self.registrar = registrar
        self.local_ip, self.sip_port, self.ctrl_port = local_ip, sip_port, ctrl_port
        self.register = register
        self.source_wav = source_wav or make_tone(os.path.join(self.dir, "tone1000.wav"))
        self.log_path = os.path.join(self.dir, "baresip.log")
        self.proc = None
        self.sock = None
        self.events = []
        self.responses = {}
        self.cond = threading.Condition()
        self._token = 0
        self._write_config(rtp_ports, auto_answer, regint, interface)

    @property
    def aor(self):
        return f"sip:{self.user}@{self.domain}"

    @property
    def contact_uri(self):
        return f"sip:{self.user}@{self.local_ip}:{self.sip_port}"

    def _write_config(self, rtp_ports, auto_answer, regint, interface):
        mods = ["g711.so", "aufile.so", "sndfile.so", "aubridge.so"]
        cfg = [
            "poll_method epoll",
            f"sip_listen {self.local_ip}:{self.sip_port}",
            "call_local_timeout 120",
            "call_max_calls 4",
            "audio_buffer 40-200",
            # A player that needs no sound card but keeps real time: aubridge's device thread
            # takes one ptime of audio every ptime (alsa's "null" pcm never blocks, so its
            # player thread spun a whole host core and starved QEMU beside it). What we hear
            # is recorded by sndfile on the decode path.
            "audio_player aubridge,offhook",
            f"audio_source aufile,{self.source_wav}",
            "audio_alert aubridge,offhook-alert",
            "ausrc_srate 8000",
            "auplay_srate 8000",
            "ausrc_channels 1",
            "auplay_channels 1",
            "audio_level no",
            f"rtp_ports {rtp_ports[0]}-{rtp_ports[1]}",
            "rtp_timeout 0",
            "jitter_buffer_delay 1-10",
            f"net_interface {interface}" if interface else "",
            f"module_path {MODULE_DIR}",
            *[f"module {m}" for m in mods],
            "module_tmp account.so",
            "module_app menu.so",
            "module_app ctrl_tcp.so",
            f"ctrl_tcp_listen {self.local_ip}:{self.ctrl_port}",
            f"snd_path {self.rec_dir}",
        ]
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write("\n".join(c for c in cfg if c) + "\n")
        params = [f"auth_pass={self.password}", "audio_codecs=pcmu,pcma",
                  f"answermode={'auto' if auto_answer else 'manual'}",
                  f"regint={regint if self.register else 0}"]
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            f.write(f"<sip:{self.user}@{self.domain}>;{';'.join(params)}\n")
        for name in ("contacts", "current_contact"):
            open(os.path.join(self.dir, name), "w").close()

    # -- process ----------------------------------------------------------------------
    def start(self, timeout=10):
        # -f: config dir; -v: verbose log (SIP trace off) for diagnosis.
        self.proc = proc.spawn(self.netns, ["baresip", "-f", self.dir, "-v"], self.log_path)
        deadline = time.time() + timeout
        while True:
            try:
                self.sock = connect_in_netns(self.netns, (self.local_ip, self.ctrl_port))
                break
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    tail = self.log()[-2000:]
                    self.stop()
                    raise RuntimeError(f"baresip control socket did not open; log:\n{tail}")
                time.sleep(0.1)
        self.sock.settimeout(None)
        threading.Thread(target=self._reader, daemon=True).start()
        if self.register and not self.wait_registered(max(1, deadline - time.time())):
            if True:
                ev = self.wait_event(r"REGISTER_FAIL", 0)
                tail = self.log()[-2000:]
                self.stop()
                raise RuntimeError(f"baresip did not register ({ev}); log:\n{tail}")
        return self

    def log(self):
        return proc.read(self.log_path)

    # The first REGISTER may complete before the control socket is connected, so its
    # REGISTER_OK event is lost: the log line "<aor>: {0/UDP/v4} 200 OK (...)" counts too.
    _REG_OK = re.compile(r"\{\d+/UDP/v4\} 200 OK")

    def wait_registered(self, timeout=10):
        """True once the account is registered (event or log line)."""
        deadline = time.time() + timeout
        while True:
            if self.wait_event(r"REGISTER_OK", 0) or self._REG_OK.search(self.log()):
                return True
            if time.time() >= deadline or (self.proc and self.proc.poll() is not None):
                return False
            self.wait_event(r"REGISTER_OK", min(0.2, deadline - time.time()))

    def stop(self):
        if self.sock:
            try:
                self._send_cmd("quit", "")
            except OSError:
                pass
        if self.proc is not None:
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
            proc.stop(self.proc)
        if self.sock:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- ctrl_tcp: netstring "<len>:<json>," both ways ----------------------------------
    def _reader(self):
        buf = b""
        sock = self.sock
        while True:
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                with self.cond:
                    self.events.append({"event": True, "type": "CTRL_CLOSED"})
                    self.cond.notify_all()
                return
            buf += data
            while True:
                colon = buf.find(b":")
                if colon < 0 or not buf[:colon].isdigit():
                    break
                n = int(buf[:colon])
                if len(buf) < colon + 1 + n + 1:
                    break
                payload = buf[colon + 1:colon + 1 + n]
                buf = buf[colon + 2 + n:]
                try:
                    msg = json.loads(payload.decode(errors="replace"))
                except ValueError:
                    continue
                with self.cond:
                    if msg.get("event"):
                        msg["time"] = time.time()
                        self.events.append(msg)
                    elif msg.get("response"):
                        self.responses[msg.get("token")] = msg
                    self.cond.notify_all()

    def _send_cmd(self, command, params):
        self._token += 1
        token = f"t{self._token}"
        body = json.dumps({"command": command, "params": params, "token": token}).encode()
        self.sock.sendall(str(len(body)).encode() + b":" + body + b",")
        return token

    def command(self, command, params="", timeout=5):
        """Run a baresip (menu) command; returns the response dict or None on timeout."""
        token = self._send_cmd(command, params)
        deadline = time.time() + timeout
        with self.cond:
            while token not in self.responses:
                left = deadline - time.time()
                if left <= 0:
                    return None
                self.cond.wait(left)
            return self.responses.pop(token)

    def dial(self, uri):
        return self.command("dial", uri)

    def answer(self):
        return self.command("accept")

    def hangup(self):
        return self.command("hangup")

    def send_dtmf(self, digits):
        """Send digits in the current call (baresip uses RFC 4733 when negotiated)."""
        r = None
        for d in digits:
            r = self.command("sndcode", d)
        return r

    def mark(self):
        with self.cond:
            return len(self.events)

    def wait_event(self, type_regex, timeout=10, start=0, where=None):
        """First event at index >= start whose type matches type_regex (and where(ev) if
        given); None on timeout."""
        rx = re.compile(type_regex)
        deadline = time.time() + timeout
        with self.cond:
            i = start
            while True:
                while i < len(self.events):
                    ev = self.events[i]
                    if rx.fullmatch(ev.get("type", "")) and (where is None or where(ev)):
                        return ev
                    i += 1
                left = deadline - time.time()
                if left <= 0:
                    return None
                self.cond.wait(min(left, 0.2))

    def event_types(self):
        with self.cond:
            return [e.get("type") for e in self.events]

    def dtmf_digits(self):
        """Digits received so far (CALL_DTMF_START events), in order."""
        with self.cond:
            return "".join(e.get("param", "") for e in self.events
                           if e.get("type") == "CALL_DTMF_START")

    def wait_dtmf(self, digits, timeout=15):
        """The digits received so far once `digits` is among them, or at the timeout."""
        deadline = time.time() + timeout
        got = self.dtmf_digits()
        while time.time() < deadline and digits not in got:
            time.sleep(0.3)
            got = self.dtmf_digits()
        return got

    # -- recordings -------------------------------------------------------------------
    def recordings(self, which="dec"):
        """Received ("dec") or sent ("enc") audio dumps, oldest first."""
        return sorted(glob.glob(os.path.join(self.rec_dir, f"dump-*-{which}.wav")),
                      key=os.path.getmtime)

    def recording(self, which="dec"):
        r = self.recordings(which)
        return r[-1] if r else None
