#!/usr/bin/env python3
"""Kernel symbol table for backtraces.

ksyms.py KERNEL.elf OUT.bin     write the text symbols of KERNEL.elf as a table
ksyms.py --check PASS1 FINAL    fail if any text symbol moved between the two links

Table: u64 count, then count x (u64 address, u32 name offset, u32 size), then the names
(NUL-terminated). Sorted by address.
"""
import struct
import subprocess
import sys


def text_symbols(elf):
    out = subprocess.run(["nm", "-n", "-S", "-C", elf], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) == 4:
            addr, size, kind, name = parts
        elif len(parts) == 3:
            addr, kind, name = parts
            size = "0"
        else:
            continue
        if kind not in "tTwW":
            continue
        syms.append((int(addr, 16), int(size, 16), name[:120]))
    return syms


def main():
    if sys.argv[1] == "--check":
        a = {n: ad for ad, _, n in text_symbols(sys.argv[2])}
        b = {n: ad for ad, _, n in text_symbols(sys.argv[3])}
        moved = [n for n in a if n in b and a[n] != b[n]]
        if moved:
            print("ksyms: text symbols moved between link passes:", moved[:5])
            return 1
        return 0
    syms = text_symbols(sys.argv[1])
    names = bytearray()
    entries = bytearray()
    for addr, size, name in syms:
        entries += struct.pack("<QII", addr, len(names), size)
        names += name.encode() + b"\0"
    with open(sys.argv[2], "wb") as f:
        f.write(struct.pack("<Q", len(syms)) + entries + names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
