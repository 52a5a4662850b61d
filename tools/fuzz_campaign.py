#!/usr/bin/env python3
"""A fuzz campaign (not part of `make test`): every libFuzzer target (ASan + UBSan builds from
tests/fuzz/*.mk) runs for a given number of executions, and one line per target says how many
it ran, how fast, how large its corpus grew and what it found.

    python3 tools/fuzz_campaign.py                      # 10,000,000 executions per target
    python3 tools/fuzz_campaign.py --runs 100000 sip_message net_stack
    make fuzz-campaign RUNS=10000000 JOBS=2

Each target starts from the seeds in tests/fuzz/corpus/<target> plus what earlier runs kept in
build/fuzz-corpus/<target> (shared with `make test`'s short runs, so campaigns build on each
other). A finding is a file libFuzzer wrote (crash-, leak-, timeout-, oom-, slow-unit-) into
build/fuzz-campaign/<target>/ or a non-zero exit; the script exits 1 if any target found one.
"""
import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
ARTIFACTS = ("crash-", "leak-", "timeout-", "oom-", "slow-unit-")


def targets():
    r = subprocess.run(["make", "-s", "--no-print-directory", "print-FUZZERS"], cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("make print-FUZZERS failed:\n" + r.stderr)
    return r.stdout.split()


def campaign(name, runs, max_len):
    out = os.path.join(BUILD, "fuzz-campaign", name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    work = os.path.join(BUILD, "fuzz-corpus", name)
    os.makedirs(work, exist_ok=True)
    before = len(os.listdir(work))
    args = [os.path.join(BUILD, f"fuzz_{name}"), f"-runs={runs}", "-print_final_stats=1",
            "-timeout=10", f"-artifact_prefix={out}/", work]
    if max_len:
        args.insert(2, f"-max_len={max_len}")
    seed = os.path.join(ROOT, "tests", "fuzz", "corpus", name)
    if os.path.isdir(seed):
        args.append(seed)
    start = time.time()
    with open(os.path.join(out, "log.txt"), "w") as log:
        rc = subprocess.run(args, stdout=log, stderr=subprocess.STDOUT).returncode
    seconds = time.time() - start
    text = open(os.path.join(out, "log.txt"), errors="replace").read()
    m = re.search(r"stat::number_of_executed_units:\s*(\d+)", text)
    execs = int(m.group(1)) if m else 0
    found = sorted(f for f in os.listdir(out) if f.startswith(ARTIFACTS))
    return {"name": name, "rc": rc, "execs": execs, "seconds": seconds, "found": found,
            "corpus": len(os.listdir(work)), "corpus_before": before}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("targets", nargs="*", help="fuzz targets (default: all of FUZZERS)")
    ap.add_argument("--runs", type=int, default=10_000_000, help="executions per target")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="targets at once")
    ap.add_argument("--max-len", type=int, default=0, help="libFuzzer -max_len (default: its own)")
    a = ap.parse_args()
    names = a.targets or targets()
    bins = [os.path.join("build", f"fuzz_{n}") for n in names]
    if subprocess.run(["make", "-s", f"-j{a.jobs}", *bins], cwd=ROOT).returncode != 0:
        sys.exit("building the fuzzers failed (clang with libFuzzer: `make deps`)")
    print(f"{'target':<16} {'executions':>12} {'seconds':>8} {'exec/s':>8} {'corpus':>13}  findings",
          flush=True)
    bad = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for r in pool.map(lambda n: campaign(n, a.runs, a.max_len), names):
            ok = r["rc"] == 0 and not r["found"] and r["execs"] >= a.runs
            bad += not ok
            what = "none" if ok else (" ".join(r["found"]) or
                                      f"exit {r['rc']} after {r['execs']} executions, see "
                                      f"build/fuzz-campaign/{r['name']}/log.txt")
            rate = r["execs"] / r["seconds"] if r["seconds"] else 0
            print(f"{r['name']:<16} {r['execs']:>12,} {r['seconds']:>8.0f} {rate:>8.0f} "
                  f"{r['corpus_before']:>6}->{r['corpus']:<6}  {what}", flush=True)
    print(f"{len(names) - bad} clean, {bad} with findings, {a.runs:,} executions each, ASan+UBSan")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
