#!/bin/sh
# Make a bootable GRUB (multiboot2) ISO: tools/mkiso.sh KERNEL.elf OUT.iso [CMDLINE...]
set -e
kernel="$1"; out="$2"; shift 2
cmdline="$*"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$kernel" "$dir/boot/kernel.elf"
here="$(dirname "$0")/.."
# '|' cannot appear in a kernel command line we accept, so it is a safe sed delimiter.
sed "s|@CMDLINE@|$cmdline|" "$here/boot/grub.cfg.in" > "$dir/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$dir" >"$dir/log" 2>&1 || { cat "$dir/log"; exit 1; }
