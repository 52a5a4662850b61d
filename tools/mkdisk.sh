#!/bin/sh
# Make a FAT32 test disk image with mtools: tools/mkdisk.sh IMAGE [SIZE_MIB] [--mbr] [HOSTFILE=DISKPATH ...]
# Without --mbr the image is a partitionless "superfloppy"; with --mbr it gets an MBR with one
# FAT32 (LBA, type 0x0c) partition starting at sector 2048.
set -eu
img=$1; shift
size=64
case "${1:-}" in [0-9]*) size=$1; shift ;; esac
mbr=0
if [ "${1:-}" = "--mbr" ]; then mbr=1; shift; fi
rm -f "$img"
dd if=/dev/zero of="$img" bs=1M count=0 seek="$size" 2>/dev/null
if [ "$mbr" = 1 ]; then
    # One MBR entry: status, CHS (unused: LBA only), type 0x0c, first LBA, sector count.
    python3 - "$img" "$size" <<'PY'
import struct, sys
path, mib = sys.argv[1], int(sys.argv[2])
count = mib * 2048 - 2048
entry = struct.pack("<B3sB3sII", 0, b"\xfe\xff\xff", 0x0C, b"\xfe\xff\xff", 2048, count)
with open(path, "r+b") as f:
    f.seek(0x1BE)
    f.write(entry + bytes(48) + b"\x55\xaa")
PY
    target="$img@@1M"
    mformat -F -T $(( size * 2048 - 2048 )) -h 16 -s 63 -H 2048 -i "$target" ::
else
    target="$img"
    mformat -F -i "$target" ::
fi
for spec in "$@"; do
    mcopy -o -i "$target" "${spec%%=*}" "::${spec#*=}"
done
