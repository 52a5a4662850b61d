#!/usr/bin/env python3
"""Write compile_commands.json (clangd, clang-tidy) from the build's own module lists and flags.

    make compile_commands.json

Each source gets the command its real build uses: the kernel's interrupt-safe or SSE flags,
the ARM image's flags for port/ and the boards, the hosted (ASan) flags for unit tests,
fuzzers and benchmarks. A portable source built for several targets is listed with the x86
kernel's command, the one most editors should see.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make_vars(*names):
    r = subprocess.run(["make", "-C", ROOT, "--no-print-directory", *[f"print-{n}" for n in names]],
                       capture_output=True, text=True, check=True)
    return r.stdout.splitlines()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "compile_commands.json")
    (kcore, kport, karm_port, karm_boards, kflags, pflags, aflags, hflags, asflags, armflags,
     unit, fuzz) = make_vars(
        "KSRC_CORE", "KSRC_PORT", "ARM_PORT_SRCS", "ARM_BOARD_SRCS", "KCXXFLAGS", "KPORTFLAGS",
        "KASFLAGS", "HCXXFLAGS", "ARM_ASFLAGS", "ARM_CXXFLAGS", "UNIT_TEST_SRCS", "FUZZ_HARNESS_SRCS")
    entries, seen = [], set()

    def add(files, compiler, flags):
        for f in files.split():
            if f in seen:
                continue
            seen.add(f)
            entries.append({"directory": ROOT, "file": os.path.join(ROOT, f),
                            "command": f"{compiler} {flags} -c {f} -o /dev/null"})

    add(kcore, "g++", kflags)
    add(kport, "g++", pflags)
    add(karm_port + " " + karm_boards, "arm-none-eabi-g++", armflags)
    add(unit, "g++", hflags)
    add(fuzz, "clang++", "-std=c++20 -O1 -g -I. -DOH_HOSTED=1")
    bench = " ".join(os.path.join("tools/bench", f) for f in sorted(os.listdir(os.path.join(ROOT, "tools/bench")))
                     if f.endswith(".cpp"))
    add(bench, "g++", "-std=c++20 -O2 -I.")
    with open(out, "w") as fh:
        json.dump(entries, fh, indent=1)
    print(f"{os.path.relpath(out, ROOT)}: {len(entries)} sources")


if __name__ == "__main__":
    main()
