"""Kamailio (Debian 12: 5.6) as the lab's registrar and proxy: MD5 digest auth with qop=auth
against a users table kept in an htable (no database), usrloc in memory (db_mode 0), registrar,
record-routing proxy (rr, tm, sl), rport / nathelper handling so a UA behind odd addresses is
reachable.

    from peers import kamailio
    k = kamailio.Kamailio(netns="ohlab1", workdir="/tmp/x", users={"1000": "secret1000"},
                          min_expires=10, max_expires=3600)
    k.start()                      # raises RuntimeError with the log tail if it does not come up
    k.wait_log(r"REGISTERED 2000 ") # every accepted REGISTER logs "REGISTERED <user> <contact> <expires>"
    k.registered("2000")           # True when the log shows a live binding for 2000 (last event)
    k.stop()

Log lines written by the config (grep these, they are stable):
    REQ <method> <r-uri> from <src-ip>:<src-port>
    REGISTERED <user> <contact> expires=<n>     (200 to a REGISTER that added/refreshed a binding)
    UNREGISTERED <user>                          (200 to a REGISTER that removed bindings)
    AUTHFAIL <method> <auth-user> rc=<code>      (403 sent: wrong password / unknown user)
    CHALLENGE <method> <from-user>               (401/407 sent)
    ROUTE <method> <r-uri> -> <dst>              (request relayed after location lookup)
    NOTFOUND <r-uri>                             (480/404: no binding)
"""
import glob
import os
import re
import time

from . import proc

DEFAULT_USERS = {"1000": "secret1000", "2000": "secret2000"}
MODULE_DIRS = ["/usr/lib/x86_64-linux-gnu/kamailio/modules", "/usr/lib/kamailio/modules",
               "/usr/local/lib64/kamailio/modules", "/usr/local/lib/kamailio/modules"]
TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kamailio.cfg.in")


def module_dir():
    for d in MODULE_DIRS + glob.glob("/usr/lib/*/kamailio/modules"):
        if os.path.exists(os.path.join(d, "auth.so")):
            return d
    raise RuntimeError("kamailio modules not found (apt-get install kamailio)")


def _quote(s):
    if '"' in s or "\\" in s or "\n" in s:
        raise ValueError(f"unsupported character in {s!r}")
    return s


def render_config(listen_ip="192.0.2.1", port=5060, realm=None, users=None, min_expires=10,
                  max_expires=3600, default_expires=120, children=2, debug=2, advertise=None):
    """The kamailio.cfg text for these settings (see kamailio.cfg.in)."""
    users = DEFAULT_USERS if users is None else users
    table = "\n".join(f'\t$sht(users=>{_quote(u)}) = "{_quote(p)}";' for u, p in sorted(users.items()))
    repl = {
        # advertise: the address peers reach this listener at (behind a NAT, as a PBX on the
        # host is 10.0.2.2 from inside QEMU's user network), put in Via and Record-Route.
        "LISTEN": f"udp:{listen_ip}:{port}" + (f" advertise {advertise}:{port}" if advertise else ""),
        "REALM": _quote(realm or listen_ip),
        "ALIAS": f'alias="{_quote(realm)}:{port}"' if realm and realm != listen_ip else "",
        "USERS": table,
        "MIN_EXPIRES": str(min_expires),
        "MAX_EXPIRES": str(max_expires),
        "DEFAULT_EXPIRES": str(default_expires),
        "CHILDREN": str(children),
        "DEBUG": str(debug),
        "MPATH": module_dir() + "/",
    }
    text = open(TEMPLATE).read()
    for k, v in repl.items():
        text = text.replace(f"@@{k}@@", v)
    left = re.findall(r"@@\w+@@", text)
    if left:
        raise RuntimeError(f"unfilled placeholders {left}")
    return text


class Kamailio:
    def __init__(self, netns, workdir, users=None, listen_ip="192.0.2.1", port=5060, realm=None,
                 min_expires=10, max_expires=3600, default_expires=120, debug=2, advertise=None):
        self.netns = netns
        self.dir = os.path.join(workdir, "kamailio")
        os.makedirs(self.dir, exist_ok=True)
        self.users = dict(DEFAULT_USERS if users is None else users)
        self.listen_ip, self.port = listen_ip, port
        self.realm = realm or listen_ip
        self.cfg_path = os.path.join(self.dir, "kamailio.cfg")
        self.log_path = os.path.join(self.dir, "kamailio.log")
        self.pid_path = os.path.join(self.dir, "kamailio.pid")
        self.proc = None
        with open(self.cfg_path, "w") as f:
            f.write(render_config(listen_ip, port, self.realm, self.users, min_expires,
                                  max_expires, default_expires, debug=debug, advertise=advertise))

    @property
    def uri(self):
        return f"sip:{self.listen_ip}:{self.port}"

    def check(self):
        """Syntax-check the generated config (kamailio -c); returns (ok, output)."""
        import subprocess
        r = subprocess.run(["kamailio", "-c", "-f", self.cfg_path, "-Y", self.dir],
                           capture_output=True, text=True, timeout=30)
        return r.returncode == 0, r.stdout + r.stderr

    def start(self, timeout=10):
        # -DD: stay in the foreground (children still fork); -E: log to stderr -> our log file;
        # -Y: runtime dir (default /run/kamailio may not exist); -m: small shared memory.
        argv = ["kamailio", "-DD", "-E", "-f", self.cfg_path, "-P", self.pid_path, "-Y", self.dir,
                "-w", self.dir, "-m", "32", "-M", "8"]
        self.proc = proc.spawn(self.netns, argv, self.log_path)
        # Main process logs this once its UDP receivers are forked.
        if not proc.wait_log(self.log_path, r"KAMAILIO_READY", timeout, self.proc):
            tail = self.log()[-2000:]
            self.stop()
            raise RuntimeError(f"kamailio did not start; log tail:\n{tail}")
        return self

    def log(self):
        return proc.read(self.log_path)

    def wait_log(self, pattern, timeout=10, start=0):
        return proc.wait_log(self.log_path, pattern, timeout, self.proc, start)

    def mark(self):
        """Current log size, to pass as `start` to wait_log and only see newer lines."""
        try:
            return os.path.getsize(self.log_path)
        except OSError:
            return 0

    def registered(self, user):
        """True if the last REGISTERED/UNREGISTERED line for `user` is REGISTERED."""
        last = None
        for m in re.finditer(r"\b(REGISTERED|UNREGISTERED) (\S+)", self.log()):
            if m.group(2) == user:
                last = m.group(1)
        return last == "REGISTERED"

    def wait_registered(self, user, timeout=10, start=0):
        return self.wait_log(rf"\bREGISTERED {re.escape(user)} ", timeout, start)

    def stop(self):
        proc.stop(self.proc)
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
