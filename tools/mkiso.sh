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
# The user programs built next to the kernel (userland/userland.mk) become multiboot2
# modules named after their files: `module2 /boot/user/hello.elf hello`.
: > "$dir/modules"
for prog in "$(dirname "$kernel")"/user/*.elf; do
    [ -f "$prog" ] || continue
    mkdir -p "$dir/iso/boot/user"
    name="$(basename "$prog" .elf)"
    cp "$prog" "$dir/iso/boot/user/$name.elf"
    echo "    module2 /boot/user/$name.elf $name" >> "$dir/modules"
done
# '|' cannot appear in a kernel command line we accept, so it is a safe sed delimiter.
sed -e "s|@CMDLINE@|$cmdline|" -e "/@MODULES@/{r $dir/modules" -e "d}" "$here/boot/grub.cfg.in" \
    > "$dir/iso/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$dir/iso" >"$dir/log" 2>&1 || { cat "$dir/log"; exit 1; }
