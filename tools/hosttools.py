"""The host programs the tests run, and the Debian 12 package of each (tools/deps.sh installs them).

A test that needs a program that is not installed FAILS with the command that installs it: a
missing tool is a broken test machine, not a reason to prove nothing.
"""
import shutil

# Program -> Debian 12 package. Every package here is in tools/deps.sh's PKGS.
PACKAGE = {
    "mformat": "mtools", "mcopy": "mtools", "mdir": "mtools", "mtype": "mtools", "mshowfat": "mtools",
    "fsck.fat": "dosfstools",
    "qemu-system-x86_64": "qemu-system-x86", "qemu-system-arm": "qemu-system-arm",
    "kamailio": "kamailio", "baresip": "baresip", "sipp": "sip-tester", "sox": "sox",
    "dnsmasq": "dnsmasq-base", "ip": "iproute2", "ping": "iputils-ping", "tshark": "tshark",
    "tcpdump": "tcpdump",
    "dd": "coreutils",
}


def missing(*tools):
    """None when every program is on PATH, else a failure detail naming the missing ones and
    the packages that provide them."""
    gone = [t for t in tools if shutil.which(t) is None]
    if not gone:
        return None
    pkgs = sorted({PACKAGE.get(t, t) for t in gone})
    return (f"missing {' '.join(gone)}: apt-get install {' '.join(pkgs)} "
            f"(or `make deps`, tools/deps.sh)")
