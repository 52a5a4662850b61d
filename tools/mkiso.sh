#!/bin/sh
# Make a bootable GRUB (multiboot2) ISO: tools/mkiso.sh KERNEL.elf OUT.iso [CMDLINE...]
set -e
kernel="$1"; out="$2"; shift 2
cmdline="$*"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/iso/boot/grub"
cp "$kernel" "$dir/iso/boot/kernel.elf"
here="$(dirname "$0")/.."
# '|' cannot appear in a kernel command line we accept, so it is a safe sed delimiter.
sed "s|@CMDLINE@|$cmdline|" "$here/boot/grub.cfg.in" > "$dir/iso/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$dir/iso" >"$dir/log" 2>&1 || { cat "$dir/log"; exit 1; }
