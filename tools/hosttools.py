"""The host programs the tests run, and the Debian 12 package of each (tools/deps.sh installs them).

A test that needs a program that is not installed FAILS with the command that installs it: a
missing tool is a broken test machine, not a reason to prove nothing.
"""
import functools
import importlib.util
import os
import shutil
import subprocess
import sys

# Program -> Debian 12 package. Every package here is in tools/deps.sh's PKGS.
PACKAGE = {
    "mformat": "mtools", "mcopy": "mtools", "mdir": "mtools", "mtype": "mtools", "mmd": "mtools", "mshowfat": "mtools",
    "fsck.fat": "dosfstools",
    "qemu-system-x86_64": "qemu-system-x86", "qemu-system-arm": "qemu-system-arm",
    "kamailio": "kamailio", "baresip": "baresip", "sipp": "sip-tester", "sox": "sox",
    "dnsmasq": "dnsmasq-base", "ip": "iproute2", "ping": "iputils-ping", "tshark": "tshark",
    "tcpdump": "tcpdump", "chromium": "chromium",
    "dd": "coreutils",
}

# Python module -> Debian 12 package (also in tools/deps.sh's PKGS).
MODULE_PACKAGE = {"matplotlib": "python3-matplotlib", "numpy": "python3-numpy", "PIL": "python3-pil"}

# Debian installs its python3-* packages for its own interpreter, which is not always the
# python3 first on PATH (pyenv, a virtualenv): python_with() looks at both.
DEBIAN_PYTHON = "/usr/bin/python3"


def missing(*tools):
    """None when every program is on PATH, else a failure detail naming the missing ones and
    the packages that provide them."""
    gone = [t for t in tools if shutil.which(t) is None]
    if not gone:
        return None
    pkgs = sorted({PACKAGE.get(t, t) for t in gone})
    return (f"missing {' '.join(gone)}: apt-get install {' '.join(pkgs)} "
            f"(or `make deps`, tools/deps.sh)")


@functools.lru_cache(maxsize=None)
def python_with(*modules):
    """An interpreter that imports every one of `modules`: this one (sys.executable) when it
    can, else Debian's /usr/bin/python3 when that can, else None."""
    if all(importlib.util.find_spec(m) is not None for m in modules):
        return sys.executable
    if os.path.exists(DEBIAN_PYTHON) and os.path.realpath(DEBIAN_PYTHON) != os.path.realpath(sys.executable):
        code = "import importlib.util, sys; sys.exit(any(importlib.util.find_spec(m) is None for m in sys.argv[1:]))"
        r = subprocess.run([DEBIAN_PYTHON, "-c", code, *modules], capture_output=True)
        if r.returncode == 0:
            return DEBIAN_PYTHON
    return None


def missing_modules(*modules):
    """None when one interpreter (python_with) imports every module, else a failure detail with
    the packages that provide them."""
    if python_with(*modules):
        return None
    pkgs = sorted({MODULE_PACKAGE.get(m, m) for m in modules})
    return (f"missing Python modules {' '.join(modules)}: apt-get install {' '.join(pkgs)} "
            f"(or `make deps`, tools/deps.sh)")
