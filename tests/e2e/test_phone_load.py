#!/usr/bin/env python3
"""The phone under fire (issue: the call survives load), in the lab with real peers:
during a call with baresip through Kamailio, sipp sends 500 OPTIONS/s from another address,
a UDP garbage flood hits the phone's SIP and RTP ports, a busy thread runs on every guest CPU
(and every host CPU). Checks, from the wire (tshark) and the phone's counters:

- the call continues and ends normally when the phone hangs up;
- the RTP the phone sends keeps its 20 ms rhythm (mean gap 20 +- 1 ms, and its p99 deviation
  no worse than twice baresip's in the same call, plus 10 ms of slack for TCG);
- what the phone controls of each send, timed by its own pacer and checked against the wire:
  the kernel armed every tick's timer by its deadline, and from the timer interrupt to the
  frame in the NIC's ring took at most 0.5 ms at the median and 1 ms at p95 (about 100 us of
  emulated work: a phone that waits for a lock, a busy CPU or a late thread fails this
  whatever the host does). Not the p99: with a busy thread on every host CPU (the fire),
  the host preempts the vCPU inside that 100 us window on a few percent of the ticks
  (p99 0.2-1.1 ms and max up to 12 ms seen, while idle the p99 is 0.2 ms), which is the
  host's time, not the kernel's;
  the pacer's send times are the wire's (after a fitted clock offset, within 2 ms at p99,
  for at least 98% of its sends found by RTP sequence number), so its timings are true;
- the AC97 playback ring does not run dry (at most 2 underruns: QEMU under TCG on a 2-core
  host can stall a vCPU for longer than the 100 ms cushion);
- the flood sources are rate-limited or banned.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "bench"))
import rtp_rhythm  # noqa: E402


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} phone_load/{name}{'' if ok else ': ' + str(detail)[:500]}", flush=True)


def main():
    out = rtp_rhythm.run(8, report=lambda m: print(m))
    if not out:
        result("call", False, "the call did not start")
        return 0
    fire = out["fire"]
    phone, peer = fire["phone"], fire["baresip"]
    ok = phone is not None and 19.0 <= phone["mean_gap"] <= 21.0
    result("rtp_rate_20ms", ok, rtp_rhythm.fmt(phone))
    ok = phone is not None and peer is not None and phone["p99"] <= 2 * peer["p99"] + 10
    result("rtp_rhythm_vs_baresip", ok, f"phone {rtp_rhythm.fmt(phone)}; baresip {rtp_rhythm.fmt(peer)}")
    att = fire.get("attribution")
    ok = (att is not None and att["records"] >= 200 and att["armed_late"] == 0 and att["own_p50_ms"] <= 0.5
          and att["own_p95_ms"] <= 1.0)
    result("rtp_send_kernel_part", ok, rtp_rhythm.fmt_attr(att))
    w = att and att["wire_minus_guest_p99_ms"]
    ok = att is not None and att["matched"] >= 0.98 * att["records"] and w is not None and w <= 2.0
    result("rtp_send_times_match_wire", ok, rtp_rhythm.fmt_attr(att))
    a, z = fire["before"], fire["after"]
    underruns = z.get("audio_underruns", 0) - a.get("audio_underruns", 0)
    result("ac97_no_underruns", underruns <= 2, f"{underruns} underruns under fire")
    limited = (z.get("rate_limited", 0) - a.get("rate_limited", 0)) + (z.get("bans", 0) - a.get("bans", 0))
    result("flood_rate_limited_or_banned", limited > 0, f"before {a}, after {z}")
    result("call_survives_and_ends_normally", out["ended"] and out["closed"] and not out["ended_early"],
           f"phone ended {out['ended']}, baresip closed {out['closed']}, early end {out['ended_early']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
