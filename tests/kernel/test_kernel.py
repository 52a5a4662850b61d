#!/usr/bin/env python3
"""In-kernel tests and boot checks, run under QEMU/TCG. Prints PASS/FAIL lines.

- The ISO boots with -smp 1, 2 and 4 and reports `smp: N cpus online` with N = -smp.
- `ktest=all` on 4 CPUs: each in-kernel test reports PASS/FAIL; the run ends with a
  verdict through isa-debug-exit even though some tests fault on purpose.
- A fault in a test thread is reported with a symbolized backtrace.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import qemu  # noqa: E402

ROOT = qemu.ROOT


def main():
    r = subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/kernel.elf", "userland"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout[-3000:] + r.stderr[-3000:])
        print("FAIL kernel/build: make build/kernel.elf failed")
        return 0

    for smp in (1, 2, 4):
        code, out, secs = qemu.boot("exit=1", smp=smp, timeout=60)
        m = re.search(r"smp: (\d+) cpus online", out)
        ok = m is not None and int(m.group(1)) == smp and code == 0
        detail = "" if ok else f"exit {code}, log tail: {out[-400:]!r}"
        print(f"{'PASS' if ok else 'FAIL'} boot/smp{smp}{': ' + detail if detail else ''}", flush=True)

    for smp in (4, 2):
        code, out, secs = qemu.boot("ktest=all", smp=smp, timeout=240)
        results = re.findall(r"^ktest: (PASS|FAIL) (\w+)(.*)$", out, re.M)
        if not results:
            print(f"FAIL ktest/smp{smp}: no results (exit {code}); log tail: {out[-1500:]!r}")
            continue
        for verdict, name, rest in results:
            print(f"{verdict} ktest/smp{smp}/{name}{': ' + rest.strip(': ') if verdict == 'FAIL' else ''}",
                  flush=True)
        done = re.search(r"ktest: done, (\d+) passed, (\d+) failed", out)
        failed = int(done.group(2)) if done else -1
        # The verdict must arrive through isa-debug-exit: 0 = all passed, 1 = failures.
        want = 0 if failed == 0 else 1
        ok = done is not None and code == want
        print(f"{'PASS' if ok else 'FAIL'} ktest/smp{smp}/verdict"
              f"{'' if ok else f': exit code {code}, summary {done and done.group(0)}'}", flush=True)
        if smp == 4:
            # The deliberate null write must be reported with the faulting function's name
            # and the thread it ran in, and only that thread killed.
            report = re.search(r"exception 14 \(#PF page fault\).*?\*\*\* thread 'faulty' killed", out, re.S)
            ok = bool(report) and "fault_null_write" in report.group(0) and "backtrace:" in report.group(0) \
                and "thread_start" in report.group(0)
            print(f"{'PASS' if ok else 'FAIL'} ktest/fault_backtrace_symbolized"
                  f"{'' if ok else ': report missing or unsymbolized'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
