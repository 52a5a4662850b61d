# FAT32 (lib/fs) over the block cache, checked against mtools and fsck.fat (dosfstools).
UNIT_MODULES     += fat
unit_fat_MODULES := fs block cmdline
unit_fat_TESTS   := $(sort $(wildcard tests/unit/fat/*.cpp))
