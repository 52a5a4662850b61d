#!/usr/bin/env python3
"""Memory budget of an ARM image from its linker map: RAM per section (.data, .bss, DTCM,
the handler and idle stacks, and the thread stacks wherever they sit), flash and RAM per
module, the largest RAM objects (pools, stacks, buffers), and an optional budget check that
prints the headroom or the gap and exits 1 when an image is over.

    arm_size.py [--flash-budget BYTES] [--ram-budget BYTES] [--quiet] image.elf image.map
"""
import argparse
import re
import subprocess
import sys
from collections import defaultdict

FLASH_SECTIONS = {".text", ".ARM.exidx", ".data"}   # .data's initial values live in flash
RAM_SECTIONS = {".data", ".bss", ".dtcm", ".stacks"}


def module_of(path):
    m = re.search(r"build/arm/obj/(.*)\.o$", path)
    if not m:
        if "cmdline_baked" in path:
            return "port (config)"
        if re.search(r"lib(c|g|c_nano|gcc)[^/]*\.a", path):
            return "libc/libgcc"
        return "other"
    p = m.group(1)
    if p == "cmdline_baked":
        return "port (config)"
    if p.startswith("port/armv7m/boards/"):
        return "board " + p.split("/")[3]
    for prefix, name in (("port/armv7m/app/", "port app (net task, phone glue)"),
                         ("port/armv7m/", "port layer"), ("sip/media/", "sip/media"),
                         ("sip/", "sip"), ("net/", "net"), ("lib/", "lib"), ("kernel/", "kernel policy+cmdline")):
        if p.startswith(prefix):
            return name
    return "other"


def parse_map(path):
    """Returns ({(module, out_section): bytes}, {out_section: total})."""
    usage = defaultdict(int)
    totals = {}
    out = None
    pending = None
    in_map = False
    for line in open(path, errors="replace"):
        if line.startswith("Linker script and memory map"):
            in_map = True
            continue
        if not in_map:
            continue
        m = re.match(r"^(\.[\w.]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)", line)
        if m:
            out = m.group(1)
            totals[out] = int(m.group(3), 16)
            continue
        if re.match(r"^\S", line):
            out = None if not line.startswith(".") else out
            continue
        if out is None:
            continue
        m = re.match(r"^ (\*?\(?[.\w]\S*)\s*$", line)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"^\s+(?:(\S+)\s+)?0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+\.(?:o|a\(.*\)|obj))\s*$", line)
        if m and (m.group(1) or pending):
            size = int(m.group(3), 16)
            usage[(module_of(m.group(4)), out)] += size
        pending = None
    return usage, totals


def ram_symbols(elf):
    """[(size, name)] of every sized data/bss object, largest first."""
    r = subprocess.run(["arm-none-eabi-nm", "-S", "-C", "--size-sort", elf], capture_output=True, text=True)
    syms = []
    for line in r.stdout.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in "bBdD":
            syms.append((int(parts[1], 16), parts[3]))
    return sorted(syms, reverse=True)


def linker_symbols(path):
    """Addresses the linker script assigned (`__main_stack_top = .` lines of the map)."""
    syms = {}
    for line in open(path, errors="replace"):
        m = re.match(r"^\s+0x([0-9a-f]+)\s+(__\w+) = ", line)
        if m:
            syms[m.group(2)] = int(m.group(1), 16)
    return syms


def section_report(totals, syms, objects):
    """Lines of RAM per section, with the stacks apart from the objects beside them."""
    thread_stacks = [(n, name) for n, name in objects if re.search(r"\bs_\w*_stack$", name)]
    threads = sum(n for n, _ in thread_stacks)
    handler = syms.get("__main_stack_top", 0) - syms.get("__main_stack_limit", 0)
    idle = syms.get("__process_stack_top", 0) - syms.get("__main_stack_top", 0)
    dtcm_objects = syms.get("__dtcm_end", 0) - syms.get("__dtcm_start", 0)
    stacks_reserved = handler + idle
    lines = [f"{'RAM by section':34} {'bytes':>8}",
             f"{'  .data (initial values in flash)':34} {totals.get('.data', 0):8}",
             f"{'  .bss':34} {totals.get('.bss', 0):8}"]
    if ".dtcm" in totals:
        lines.append(f"{'  .dtcm objects (thread stacks too)':34} {dtcm_objects:8}")
    lines.append(f"{'  handler (main) stack':34} {handler:8}")
    lines.append(f"{'  boot/idle thread stack':34} {idle:8}")
    ram_total = sum(totals.get(s, 0) for s in RAM_SECTIONS)
    lines.append(f"{'  total':34} {ram_total:8}")
    where = ", ".join(f"{name.split('::')[-1]} {n}" for n, name in thread_stacks)
    lines.append(f"{'stacks (handler, idle, threads)':34} {stacks_reserved + threads:8}"
                 + (f"   threads: {where}" if where else ""))
    return lines


def budget_line(what, used, budget):
    if used > budget:
        return f"{what} {used} B over its limit {budget} B by {used - budget} B", False
    return f"{what} {used} B of {budget} B ({budget - used} B free)", True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("elf")
    ap.add_argument("map")
    ap.add_argument("--flash-budget", type=int)
    ap.add_argument("--ram-budget", type=int)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    usage, totals = parse_map(a.map)
    modules = sorted({m for m, _ in usage})
    flash_total = sum(totals.get(s, 0) for s in FLASH_SECTIONS)
    ram_total = sum(totals.get(s, 0) for s in RAM_SECTIONS)
    objects = ram_symbols(a.elf)
    if not a.quiet:
        print(f"== {a.elf}")
        for line in section_report(totals, linker_symbols(a.map), objects):
            print(line)
        print(f"{'module':34} {'flash':>8} {'data':>7} {'bss':>7} {'dtcm':>7}")
        for mod in modules:
            flash = usage[(mod, ".text")] + usage[(mod, ".ARM.exidx")] + usage[(mod, ".data")]
            print(f"{mod:34} {flash:8} {usage[(mod, '.data')]:7} {usage[(mod, '.bss')]:7} {usage[(mod, '.dtcm')]:7}")
        placed = sum(v for (m, s), v in usage.items() if s in (".dtcm", ".stacks"))
        reserved = totals.get(".dtcm", 0) + totals.get(".stacks", 0) - placed
        print(f"{'stacks: main (handlers) + idle':34} {0:8} {0:7} {0:7} {reserved:7}")
        print("largest RAM objects (pools, stacks, buffers):")
        for size, name in objects[:16]:
            print(f"  {size:7}  {name}")
    ok = True
    line = f"{a.elf}: flash {flash_total} B ({flash_total / 1024:.1f} KiB), RAM {ram_total} B ({ram_total / 1024:.1f} KiB)"
    if a.flash_budget is not None or a.ram_budget is not None:
        parts = []
        for what, used, budget in (("flash", flash_total, a.flash_budget), ("RAM", ram_total, a.ram_budget)):
            if budget is None:
                continue
            text, fits = budget_line(what, used, budget)
            parts.append(text)
            ok = ok and fits
        line += "; " + "; ".join(parts)
    print(line + ("" if ok else "  ** OVER BUDGET **"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
