#!/usr/bin/env python3
"""Network lab: a network namespace with a tap device (192.0.2.1/24, the documentation
range), dnsmasq in it for DHCP and DNS, and an Offhook kernel booted in QEMU attached to the
tap with an e1000. Everything is removed afterwards.

Command line (for users):
    tools/netlab.py run [--cmdline 'net=dhcp ...'] [--smp N]   boot interactively in the lab
    tools/netlab.py shell                                        a shell inside the namespace

From Python (tests):
    with Lab() as lab:
        lab.boot(cmdline="net=dhcp")
        lab.wait_for(r"net: address (\\S+)")
        lab.ns("ping", "-c", "3", lab.guest_ip)
        lab.send("netstat")
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import qemu  # noqa: E402
from peers import proc as peerproc  # noqa: E402

HOST_IP = "192.0.2.1"
PREFIX = 24
GUEST_MAC = "52:54:00:0f:f0:01"
DHCP_FIRST, DHCP_LAST = "192.0.2.50", "192.0.2.99"
SIP_NAME = "sip.lab.test"


class Lab:
    def __init__(self, name=None, dns_names=None):
        self.name = name or f"ohlab{os.getpid()}"
        self.tap = "tap0"
        self.tmp = tempfile.mkdtemp(prefix="ohlab-")
        self.procs = []
        self.qemu = None
        self.console = []
        self.console_lock = threading.Condition()
        self.guest_ip = None
        self.dns_names = dict(dns_names or {SIP_NAME: HOST_IP})

    # -- namespace --------------------------------------------------------------------
    def __enter__(self):
        peerproc.install_cleanup()
        self.ns_cleanup(quiet=True)
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        self.ns("ip", "link", "set", "lo", "up")
        self.ns("ip", "tuntap", "add", "dev", self.tap, "mode", "tap")
        self.ns("ip", "addr", "add", f"{HOST_IP}/{PREFIX}", "dev", self.tap)
        self.ns("ip", "link", "set", self.tap, "up")
        return self

    def __exit__(self, *exc):
        self.close()

    def ns(self, *cmd, check=True, capture=True, timeout=120, **kw):
        r = subprocess.run(["ip", "netns", "exec", self.name, *cmd], capture_output=capture,
                           text=True, timeout=timeout, **kw)
        if check and r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {r.stdout} {r.stderr}")
        return r

    def ns_popen(self, *cmd, **kw):
        p = subprocess.Popen(["ip", "netns", "exec", self.name, *cmd], **kw)
        self.procs.append(p)
        peerproc.track(p)
        return p

    def ns_cleanup(self, quiet=False):
        kill_namespace(self.name)

    # -- services ---------------------------------------------------------------------
    def start_dnsmasq(self, lease_seconds=3600, extra=(), rapid_commit=True):
        """dnsmasq for DHCP and DNS; with rapid_commit it answers a DISCOVER that asks for it
        with the ACK at once (RFC 4039), as the phone's client does."""
        lease_file = os.path.join(self.tmp, "leases")
        args = ["dnsmasq", "--no-daemon", "--conf-file=/dev/null", f"--interface={self.tap}",
                "--bind-interfaces", "--except-interface=lo", "--no-resolv", "--no-hosts",
                f"--dhcp-range={DHCP_FIRST},{DHCP_LAST},255.255.255.0,{lease_seconds}",
                f"--dhcp-option=option:router,{HOST_IP}",
                f"--dhcp-option=option:dns-server,{HOST_IP}",
                f"--dhcp-leasefile={lease_file}", "--log-dhcp", "--log-queries",
                f"--pid-file={os.path.join(self.tmp, 'dnsmasq.pid')}",
                *(["--dhcp-rapid-commit"] if rapid_commit else []), *extra]
        for host, ip in self.dns_names.items():
            args.append(f"--address=/{host}/{ip}")
        log = open(os.path.join(self.tmp, "dnsmasq.log"), "w")
        self.ns_popen(*args, stdout=log, stderr=subprocess.STDOUT)
        time.sleep(0.3)

    def dnsmasq_log(self):
        try:
            return open(os.path.join(self.tmp, "dnsmasq.log")).read()
        except OSError:
            return ""

    # -- the guest --------------------------------------------------------------------
    def boot(self, cmdline="net=dhcp", smp=2, mem="256M", extra=(), iso=None, env=None, qemu_log=None, nic="e1000"):
        """Boot the kernel in QEMU on the tap; `env` (a dict) replaces QEMU's environment,
        e.g. to point ALSA at a private configuration. QEMU's own messages (stderr) join the
        console unless `qemu_log` names a file for them. `nic`: QEMU's model, "e1000" (82540EM)
        or "e1000e" (82574L)."""
        if iso is None:
            iso = os.path.join(self.tmp, "offhook.iso")
            qemu.make_iso(cmdline, iso)
        args = ["qemu-system-x86_64", "-M", "pc", "-smp", str(smp), "-m", mem,
                "-accel", os.environ.get("OFFHOOK_ACCEL", "tcg"), "-cdrom", iso,
                "-serial", "stdio", "-display", "none", "-no-reboot", "-monitor", "none",
                "-name", "offhook,debug-threads=on",  # host thread names: "CPU 1/TCG", ...
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                "-netdev", f"tap,id=n0,ifname={self.tap},script=no,downscript=no",
                "-device", f"{nic},netdev=n0,mac={GUEST_MAC}", *extra]
        err = open(qemu_log, "w") if qemu_log else subprocess.STDOUT
        self.qemu = self.ns_popen(*args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, env=env)
        if qemu_log:
            err.close()  # QEMU holds its own descriptor
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        for raw in iter(self.qemu.stdout.readline, b""):
            line = raw.decode(errors="replace").rstrip("\r\n")
            with self.console_lock:
                self.console.append(line)
                self.console_lock.notify_all()

    def wait_for(self, pattern, timeout=30, start=0):
        """Wait for a console line matching `pattern` (from line index `start`)."""
        rx = re.compile(pattern)
        deadline = time.time() + timeout
        with self.console_lock:
            i = start
            while True:
                while i < len(self.console):
                    m = rx.search(self.console[i])
                    if m:
                        return m
                    i += 1
                left = deadline - time.time()
                if left <= 0 or (self.qemu and self.qemu.poll() is not None and i >= len(self.console)):
                    return None
                self.console_lock.wait(min(left, 0.2))

    def mark(self):
        with self.console_lock:
            return len(self.console)

    def send(self, line):
        """Type a line on the console (the user shell sh: programs, and the kernel console's commands)."""
        for ch in (line + "\r").encode():
            self.qemu.stdin.write(bytes([ch]))
            self.qemu.stdin.flush()
            time.sleep(0.002)

    def console_text(self):
        with self.console_lock:
            return "\n".join(self.console)

    def close(self):
        for p in reversed(self.procs):
            peerproc.stop(p, timeout=5)
        self.ns_cleanup()
        if os.environ.get("OFFHOOK_KEEP_LAB"):
            with open(os.path.join(self.tmp, "console.log"), "w") as f:
                f.write(self.console_text() + "\n")
            print(f"lab files kept in {self.tmp} (the guest's console in console.log)")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def kill_namespace(name):
    """Kill whatever still runs in namespace `name` (a peer that ignored SIGTERM, a program a
    test started and lost), then delete it. A no-op when it does not exist."""
    for _ in range(20):
        r = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True)
        pids = [int(x) for x in r.stdout.split()] if r.returncode == 0 else []
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)
    subprocess.run(["ip", "netns", "del", name], capture_output=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["run", "shell"])
    ap.add_argument("--cmdline", default="net=dhcp")
    ap.add_argument("--smp", type=int, default=2)
    a = ap.parse_args()
    with Lab() as lab:
        lab.start_dnsmasq()
        if a.what == "shell":
            subprocess.run(["ip", "netns", "exec", lab.name, os.environ.get("SHELL", "/bin/sh")])
            return
        iso = os.path.join(lab.tmp, "offhook.iso")
        qemu.make_iso(a.cmdline, iso)
        print(f"lab: namespace {lab.name}, host {HOST_IP}/{PREFIX} on {lab.tap}; "
              f"try: ip netns exec {lab.name} ping 192.0.2.50", flush=True)
        subprocess.run(["ip", "netns", "exec", lab.name, "qemu-system-x86_64", "-M", "pc",
                        "-smp", str(a.smp), "-m", "256M", "-cdrom", iso, "-serial", "stdio",
                        "-display", "none", "-no-reboot",
                        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                        "-netdev", f"tap,id=n0,ifname={lab.tap},script=no,downscript=no",
                        "-device", f"e1000,netdev=n0,mac={GUEST_MAC}"])


if __name__ == "__main__":
    main()
