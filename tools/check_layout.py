#!/usr/bin/env python3
"""The source tree's shape, checked: who may include whom, and every source listed once.

    python3 tools/check_layout.py        # prints PASS/FAIL layout/<check> lines, exits 1 on a failure

- layout/no_kernel_includes: nothing in drivers/, port/, net/, sip/ or lib/ includes kernel/
  (the portable cores and the drivers must build without the x86 kernel's folder).
- layout/include_layers: each folder includes only the folders below it (lib/ only lib/;
  net/ lib/; sip/ lib/; drivers/ lib/ and net/'s device interface; port/ lib/, net/, sip/,
  drivers/ (a board wires its chips)).
- layout/sources_listed_once: every .cpp/.S of the product belongs to exactly one module
  (its module.mk), and no consumer (Makefile, arm.mk, tests' module.mk and fuzz .mk files,
  benchmarks) names a module's source file itself.
- layout/one_phone_core: the x86 kernel and the ARM images build the phone from the same
  portable sources (`make print-KSRC_PORT` and `make print-ARM_PHONE_SRCS`: SIP, media and
  the phone core of sip/phone), so a phone change is made once.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRODUCT = ("lib", "net", "sip", "drivers", "port", "kernel", "boot")
# Folder -> the top-level folders its files may include (besides itself).
LAYERS = {
    "lib": {"lib"},
    "net": {"lib", "net"},
    "sip": {"lib", "sip"},
    "drivers": {"lib", "drivers", "net"},
    "port": {"lib", "net", "sip", "drivers", "port"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def source_files(exts):
    out = []
    for top in PRODUCT:
        for d, _, files in os.walk(os.path.join(ROOT, top)):
            out += [os.path.relpath(os.path.join(d, f), ROOT) for f in files if f.endswith(exts)]
    return sorted(out)


def includes():
    """(file, line number, included path) for every quoted include of the product."""
    for path in source_files((".cpp", ".h", ".S")):
        text = open(os.path.join(ROOT, path), errors="replace").read()
        for m in INCLUDE.finditer(text):
            yield path, text.count("\n", 0, m.start()) + 1, m.group(1)


def make_var(name):
    r = subprocess.run(["make", "-C", ROOT, "--no-print-directory", f"print-{name}"],
                       capture_output=True, text=True, check=True)
    return r.stdout.split()


def check_no_kernel_includes():
    bad = [f"{p}:{n}: {inc}" for p, n, inc in includes()
           if p.split("/")[0] in LAYERS and inc.startswith("kernel/")]
    return bad


def check_layers():
    bad = []
    for p, n, inc in includes():
        top = p.split("/")[0]
        if top not in LAYERS or "/" not in inc:
            continue
        if inc.split("/")[0] not in LAYERS[top]:
            bad.append(f"{p}:{n}: {inc} ({top}/ may include {', '.join(sorted(LAYERS[top]))})")
    # drivers/ reach net/ only for the device interface types.
    for p, n, inc in includes():
        if p.startswith("drivers/") and inc.startswith("net/") and \
                inc not in ("net/net_device.h", "net/mac_address.h"):
            bad.append(f"{p}:{n}: {inc} (drivers/ may use only net/'s device interface)")
    return bad


def check_listed_once():
    bad = []
    listed = make_var("MODULE_SRCS") + make_var("MODULE_ASM")
    seen = {}
    for s in listed:
        seen[s] = seen.get(s, 0) + 1
    for s, k in seen.items():
        if k > 1:
            bad.append(f"{s}: in {k} modules")
    for s in source_files((".cpp", ".S")):
        if s not in seen:
            bad.append(f"{s}: in no module (add it to its folder's module.mk)")
    # Consumers name modules, not files: no module source path in their build fragments.
    consumers = ["Makefile", "port/armv7m/arm.mk", "tools/bench/all.py"]
    for d in ("tests/unit", "tests/fuzz"):
        for dd, _, files in os.walk(os.path.join(ROOT, d)):
            consumers += [os.path.relpath(os.path.join(dd, f), ROOT) for f in files
                          if f.endswith(".mk")]
    path_re = re.compile(r"\b(?:%s)/[\w/.-]+\.(?:cpp|S)\b" % "|".join(PRODUCT))
    for c in consumers:
        for n, line in enumerate(open(os.path.join(ROOT, c)), 1):
            for m in path_re.finditer(line):
                bad.append(f"{c}:{n}: names {m.group(0)} (name its module instead)")
    return bad


def check_one_phone_core():
    x86 = sorted(p for p in make_var("KSRC_PORT") if p.startswith("sip/"))
    arm = sorted(p for p in make_var("ARM_PHONE_SRCS") if p.startswith("sip/"))
    bad = []
    if not any(p.startswith("sip/phone/") for p in x86):
        bad.append("the kernel does not build sip/phone/ (the phone core)")
    for p in sorted(set(x86) ^ set(arm)):
        bad.append(f"{p}: only in the {'kernel' if p in x86 else 'ARM images'}")
    if not bad:
        print(f"info: one phone core, {len(x86)} sources in both the kernel and the ARM images: " + " ".join(x86))
    return bad


def main():
    failed = 0
    for name, check in (("no_kernel_includes", check_no_kernel_includes),
                        ("include_layers", check_layers),
                        ("sources_listed_once", check_listed_once),
                        ("one_phone_core", check_one_phone_core)):
        bad = check()
        if bad:
            failed += 1
            print(f"FAIL layout/{name}: {len(bad)} problem(s)")
            for b in bad[:40]:
                print(f"  {b}")
        else:
            print(f"PASS layout/{name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
