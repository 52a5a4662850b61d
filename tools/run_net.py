#!/usr/bin/env python3
"""The QEMU network arguments for `make run`, checked before QEMU starts.

    python3 tools/run_net.py user [FORWARD]      # prints -netdev/-device arguments
    python3 tools/run_net.py tap  IFNAME

user (default): QEMU's user-mode networking. The phone is 10.0.2.15 behind QEMU's NAT and
reaches this host's own loopback as 10.0.2.2, so a PBX on the same machine is
SIP_SERVER=10.0.2.2. Nothing is forwarded unless asked: the phone registers from inside,
and the PBX answers (and calls it) over the flow the REGISTER opened (chan_pjsip:
rewrite_contact, force_rport, rtp_symmetric). FORWARD=5060 (or HOSTPORT:GUESTPORT, several
separated by commas) forwards UDP from this host to the phone for a PBX that must reach it
without a flow; a port another program holds is refused here with its number, before QEMU
starts.
tap: the phone on a tap device you created (its own address from your DHCP or net=).
NIC (environment): QEMU's network card, e1000 (82540EM, default) or e1000e (82574L). QEMU's
e1000 model holds received frames for 1 s after the driver enables receive; its e1000e does
not, so the phone registers about a second sooner on it.
"""
import os
import socket
import sys


def fail(msg):
    sys.stderr.write(f"make run: {msg}\n")
    raise SystemExit(2)


def udp_port_free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("0.0.0.0", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def parse_forwards(spec):
    out = []
    for item in filter(None, spec.split(",")):
        host, _, guest = item.partition(":")
        try:
            h, g = int(host), int(guest or host)
        except ValueError:
            fail(f"FORWARD={spec!r}: give PORT or HOSTPORT:GUESTPORT, separated by commas")
        if not (0 < h < 65536 and 0 < g < 65536):
            fail(f"FORWARD={spec!r}: ports are 1-65535")
        out.append((h, g))
    return out


def main():
    nic = os.environ.get("NIC") or "e1000"
    if nic not in ("e1000", "e1000e"):
        fail(f"NIC={nic!r}: use NIC=e1000 (default) or NIC=e1000e")
    mode = sys.argv[1] if len(sys.argv) > 1 else "user"
    arg = sys.argv[2] if len(sys.argv) > 2 else ""
    if mode == "tap":
        if not arg:
            fail("NET=tap needs TAP=IFNAME (a tap device you created, e.g. with tools/netlab.py)")
        print(f"-netdev tap,id=n0,ifname={arg},script=no,downscript=no -device {nic},netdev=n0")
        return
    if mode != "user":
        fail(f"NET={mode!r}: use NET=user (default) or NET=tap TAP=IFNAME")
    forwards = parse_forwards(arg)
    taken = [h for h, _ in forwards if not udp_port_free(h)]
    if taken:
        fail(f"UDP port {', '.join(map(str, taken))} on this host is taken (a PBX or softphone "
             f"listening there?). Leave FORWARD empty when the PBX is on this machine "
             f"(SIP_SERVER=10.0.2.2 reaches it), or pick a free port: FORWARD=5070:5060")
    fwd = "".join(f",hostfwd=udp::{h}-:{g}" for h, g in forwards)
    sys.stderr.write("make run: user-mode network: the phone is 10.0.2.15 behind QEMU's NAT; "
                     "this host's loopback is 10.0.2.2 from inside"
                     + (f"; forwarded from this host: {', '.join(f'udp {h}->{g}' for h, g in forwards)}"
                        if forwards else "; nothing forwarded (FORWARD=5060 to forward SIP)") + "\n")
    print(f"-netdev user,id=n0{fwd} -device {nic},netdev=n0")


if __name__ == "__main__":
    main()
