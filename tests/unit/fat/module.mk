# FAT32 (kernel/fs) over the block cache, checked against mtools and fsck.fat (dosfstools).
UNIT_MODULES += fat
fat_SRCS  := $(sort $(wildcard kernel/fs/*.cpp)) $(sort $(wildcard kernel/block/*.cpp)) kernel/boot/cmdline.cpp
fat_TESTS := $(sort $(wildcard tests/unit/fat/*.cpp))
