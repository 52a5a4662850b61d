#!/usr/bin/env python3
"""Boot an Offhook ISO in QEMU and capture its serial console (shared by tests and benches).

    tools/qemu.py [--smp N] [--timeout S] [--cmdline '...'] [--iso PATH] [-- extra qemu args]

Builds an ISO with the given kernel command line (tools/mkiso.sh), boots it headless with
isa-debug-exit, prints the console, and exits with the kernel's exit code (kernel_exit(c)
makes QEMU exit with (c << 1) | 1; we report c) or 124 on timeout.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make_iso(cmdline, out):
    kernel = os.path.join(ROOT, "build", "kernel.elf")
    subprocess.run([os.path.join(ROOT, "tools", "mkiso.sh"), kernel, out] + cmdline.split(),
                   check=True)


def boot(cmdline="", smp=4, mem="256M", timeout=120, extra=(), iso=None, accel=None):
    """Returns (exit_code or None on timeout, console text, seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        if iso is None:
            iso = os.path.join(tmp, "offhook.iso")
            make_iso(cmdline, iso)
        args = ["qemu-system-x86_64", "-M", "pc", "-smp", str(smp), "-m", mem,
                "-accel", accel or os.environ.get("OFFHOOK_ACCEL", "tcg"),
                "-cdrom", iso, "-serial", "stdio", "-display", "none", "-no-reboot",
                "-monitor", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", *extra]
        start = time.time()
        try:
            r = subprocess.run(args, capture_output=True, timeout=timeout)
            out = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
            code = r.returncode >> 1 if r.returncode & 1 else None
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode(errors="replace")
            code = None
        return code, out, time.time() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--cmdline", default="")
    ap.add_argument("--iso")
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    code, out, _ = boot(a.cmdline, a.smp, timeout=a.timeout, extra=a.extra, iso=a.iso)
    sys.stdout.write(out)
    sys.exit(124 if code is None else code)


if __name__ == "__main__":
    main()
