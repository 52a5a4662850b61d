#!/usr/bin/env python3
"""Run Offhook's test tiers and print one line per test, ending with `N passed, N failed`.

Tiers: unit (hosted GoogleTest, ASan/UBSan), fuzz (short libFuzzer runs), kernel (in-kernel
tests booted in QEMU), e2e (QEMU against real peers). `all` runs every tier.
"""
import glob
import json
import os
import re
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
JOBS = str(max(2, os.cpu_count() or 2))


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.failures = []

    def record(self, name, ok, detail=""):
        if ok is None:
            self.skipped += 1
            print(f"SKIP {name}: {detail}", flush=True)
        elif ok:
            self.passed += 1
            print(f"PASS {name}", flush=True)
        else:
            self.failed += 1
            self.failures.append(name)
            print(f"FAIL {name}{': ' + detail if detail else ''}", flush=True)


def make(*targets, quiet=True):
    cmd = ["make", "-C", ROOT, "--no-print-directory", "-j" + JOBS, *targets]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stdout.write(r.stdout[-6000:])
        sys.stdout.write(r.stderr[-6000:])
    elif not quiet:
        sys.stdout.write(r.stdout)
    return r.returncode == 0


def make_var(name):
    r = subprocess.run(["make", "-C", ROOT, "--no-print-directory", f"print-{name}"],
                       capture_output=True, text=True)
    return r.stdout.split()


def run_layout(t):
    """The tree's shape (tools/check_layout.py): include layers, every source in one module."""
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "check_layout.py")],
                       capture_output=True, text=True, cwd=ROOT)
    detail = []
    for line in r.stdout.splitlines():
        if line.startswith("  "):
            print(line, flush=True)
            continue
        word, _, rest = line.partition(" ")
        name, _, why = rest.partition(": ")
        if word in ("PASS", "FAIL"):
            t.record(name, word == "PASS", why)
    if r.returncode not in (0, 1) or "layout/" not in r.stdout:
        t.record("layout/check", False, (r.stderr or r.stdout)[-500:])


def run_unit(t):
    run_layout(t)
    modules = make_var("UNIT_MODULES")
    for m in modules:
        binary = os.path.join(BUILD, f"unit_{m}")
        if not make(os.path.relpath(binary, ROOT)):
            t.record(f"unit/{m}: build", False, "build failed")
            continue
        out = os.path.join(BUILD, f"unit_{m}.json")
        if os.path.exists(out):
            os.remove(out)
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="print_stacktrace=1")
        r = subprocess.run([binary, f"--gtest_output=json:{out}"], capture_output=True,
                           text=True, env=env, cwd=ROOT, timeout=900)
        if not os.path.exists(out):
            sys.stdout.write(r.stdout[-4000:] + r.stderr[-4000:])
            t.record(f"unit/{m}", False, f"test binary died (exit {r.returncode})")
            continue
        report = json.load(open(out))
        for suite in report.get("testsuites", []):
            for case in suite.get("testsuite", []):
                name = f"unit/{m}/{suite['name']}.{case['name']}"
                if case.get("result") == "SKIPPED" or case.get("status") == "NOTRUN":
                    # gtest's JSON has no skip message; its console output does (GTEST_SKIP() << why).
                    full = re.escape(f"{suite['name']}.{case['name']}")
                    why = re.search(r"Skipped\n(.*?)\n\[  SKIPPED \] " + full, r.stdout, re.S)
                    t.record(name, None, why.group(1).strip() if why else "disabled, no reason given")
                elif case.get("failures"):
                    msg = case["failures"][0].get("failure", "").splitlines()
                    t.record(name, False, " | ".join(msg[:3]))
                else:
                    t.record(name, True)
        if r.returncode != 0 and not any(
                c.get("failures") for s in report.get("testsuites", []) for c in s.get("testsuite", [])):
            sys.stdout.write(r.stderr[-4000:])
            t.record(f"unit/{m}: sanitizers/exit", False, f"exit {r.returncode}")
    # Portable code must also build freestanding with the kernel's flags.
    for m in modules:
        srcs = [s for s in make_var(f"{m}_SRCS")
                if s.split("/")[0] in ("lib", "net", "sip", "drivers") and s.endswith(".cpp")]
        if not srcs:
            continue
        objs = [f"build/kp/{s[:-4]}.o" for s in srcs]
        t.record(f"freestanding/{m}", make(*objs), "does not build with the kernel's flags")


def run_fuzz(t):
    seconds = os.environ.get("FUZZ_SECONDS", "20")
    for f in make_var("FUZZERS"):
        binary = os.path.join(BUILD, f"fuzz_{f}")
        if not make(os.path.relpath(binary, ROOT)):
            t.record(f"fuzz/{f}", False, "build failed")
            continue
        seed = os.path.join(ROOT, "tests", "fuzz", "corpus", f)
        work = os.path.join(BUILD, "fuzz-corpus", f)
        os.makedirs(work, exist_ok=True)
        args = [binary, f"-max_total_time={seconds}", "-print_final_stats=1",
                f"-artifact_prefix={BUILD}/fuzz-crash-{f}-", work]
        if os.path.isdir(seed):
            args.append(seed)
        r = subprocess.run(args, capture_output=True, text=True, timeout=int(seconds) + 300)
        if r.returncode != 0:
            sys.stdout.write(r.stderr[-4000:])
        t.record(f"fuzz/{f}", r.returncode == 0, "crash found (see build/fuzz-crash-*)")


SCRIPT_TIMEOUT = 1500  # seconds; the longest script (storage) takes about 200


def become_subreaper():
    """Orphans of the test scripts (a peer's helper processes whose parent was killed) become
    our children instead of PID 1's, so reap_orphans() can collect them. PID 1 on these machines
    reaps zombies late (chromium's zombies were still there 1.7 s after it exited, seen on CI as
    a process group left behind)."""
    import ctypes
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER, prctl(2)
    except (OSError, AttributeError):
        pass


def reap_orphans():
    """Collect every child that has exited (zombies are gone, not running)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def describe(pid):
    """`pid (command line)` for a failure message."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        return f"{pid} ({cmd[:120]})"
    except OSError:
        return str(pid)


def leftovers(proc, pidfile):
    """Kill what a test script left behind, even if it was killed itself: its process group,
    the peers it registered in `pidfile` (and their groups), and its lab namespace, which
    tools/netlab.py names after the script's pid. Returns the names of what still ran."""
    import signal
    found = []
    reap_orphans()
    pids = []
    try:
        pids = [int(x) for x in open(pidfile).read().split()]
    except OSError:
        pass
    for pid in pids:
        for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                what = describe(pid)
                kill()
                found.append(what)
            except (ProcessLookupError, PermissionError):
                pass
    try:
        os.killpg(proc.pid, 0)
        found.append(f"group {proc.pid}")
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import netlab
    ns = f"ohlab{proc.pid}"
    r = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True)
    if r.returncode == 0:
        found += r.stdout.split()
        netlab.kill_namespace(ns)
    reap_orphans()
    try:
        os.remove(pidfile)
    except OSError:
        pass
    return sorted(set(found))


def run_scripts(t, tier):
    """Kernel and e2e tiers: each tests/<tier>/*.py prints PASS/FAIL/SKIP lines."""
    only = os.environ.get("ONLY", "")  # e.g. ONLY=demo_report: the scripts whose name holds it
    for script in sorted(glob.glob(os.path.join(ROOT, "tests", tier, "test_*.py"))):
        name = os.path.splitext(os.path.basename(script))[0]
        if only and only not in name:
            continue
        start = time.time()
        pidfile = os.path.join(BUILD, f"{name}.pids")
        os.makedirs(BUILD, exist_ok=True)
        if os.path.exists(pidfile):
            os.remove(pidfile)
        env = dict(os.environ, OFFHOOK_PIDFILE=pidfile)
        proc = subprocess.Popen([sys.executable, script], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, cwd=ROOT, env=env,
                                start_new_session=True)
        timer = threading.Timer(SCRIPT_TIMEOUT, proc.terminate)
        timer.start()
        seen = 0
        log = []
        for line in proc.stdout:
            log.append(line)
            for word, ok in (("PASS ", True), ("FAIL ", False), ("SKIP ", None)):
                if line.startswith(word):
                    rest = line[len(word):].rstrip("\n")
                    label, _, detail = rest.partition(": ")
                    t.record(f"{tier}/{label}", ok, detail)
                    seen += 1
        proc.wait()
        timer.cancel()
        left = leftovers(proc, pidfile)
        if left:
            # Killed now; a test that leaves processes behind is broken even if it passed.
            t.record(f"{tier}/{name}/nothing_left_running", False, "still running after the script: " + " ".join(left))
        if proc.returncode != 0 or seen == 0:
            sys.stdout.write("".join(log[-60:]))
            t.record(f"{tier}/{name}", False,
                     f"script exited {proc.returncode} after {time.time() - start:.0f}s")


def main():
    tiers = sys.argv[1:] or ["all"]
    if "all" in tiers:
        tiers = ["unit", "fuzz", "kernel", "e2e"]
    become_subreaper()
    t = Tally()
    for tier in tiers:
        print(f"== {tier}", flush=True)
        if tier == "unit":
            run_unit(t)
        elif tier == "fuzz":
            run_fuzz(t)
        elif tier in ("kernel", "e2e"):
            run_scripts(t, tier)
        else:
            print(f"unknown tier {tier}")
            return 2
    if t.failures:
        print("failed: " + ", ".join(t.failures[:50]))
    tail = f", {t.skipped} skipped" if t.skipped else ""
    print(f"{t.passed} passed, {t.failed} failed{tail}")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
