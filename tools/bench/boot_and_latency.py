#!/usr/bin/env python3
"""Kernel benchmark (not a test): prints

  - kernel entry -> all CPUs online, in ms, for -smp 1/2/4 (median of 3 boots each);
  - wake-up lateness of a 20 ms periodic real-time thread, p50/p99/max in microseconds,
    over SECONDS (default 30) while every CPU also runs a busy normal-priority thread.

Usage: tools/bench/boot_and_latency.py [SECONDS]   (QEMU/TCG by default; OFFHOOK_ACCEL=kvm)
"""
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import qemu  # noqa: E402


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    for smp in (1, 2, 4):
        times = []
        for _ in range(3):
            code, out, _ = qemu.boot("exit=1", smp=smp, timeout=60)
            m = re.search(r"smp: (\d+) cpus online \((\d+\.\d+) ms after kernel entry\)", out)
            if m:
                times.append(float(m.group(2)))
        if times:
            print(f"boot: smp={smp} entry->all-cpus-online median {statistics.median(times):.1f} ms "
                  f"(runs: {', '.join(f'{t:.1f}' for t in times)})")
        else:
            print(f"boot: smp={smp} no result")
    # Multi-threaded TCG runs one host thread per vCPU and fires guest timers from QEMU's
    # main-loop thread: with more busy vCPUs than host cores, that thread starves and guest
    # timers arrive late whatever the guest does. Single-threaded TCG shows the kernel's own
    # latency with 4 busy CPUs; both are printed side by side.
    configs = [(1, None), (2, None), (4, None), (4, "tcg,thread=single")]
    for smp, accel in configs:
        code, out, _ = qemu.boot(f"kbench=rt:{seconds}", smp=smp, timeout=seconds * 3 + 120, accel=accel)
        m = re.search(r"kbench: rt_lateness_us p50=(\d+) p99=(\d+) max=(\d+) samples=(\d+)", out)
        label = f"smp={smp} accel={accel or os.environ.get('OFFHOOK_ACCEL', 'tcg')}"
        if m:
            print(f"rt: {label} 20 ms periodic RT thread lateness over {seconds} s with every CPU busy: "
                  f"p50 {m.group(1)} us, p99 {m.group(2)} us, max {m.group(3)} us ({m.group(4)} samples)")
        else:
            print(f"rt: {label} no result; tail: {out[-500:]!r}")
    print(f"host: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
