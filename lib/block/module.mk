# lib/block: the write-back block cache and its I/O front end over any BlockDevice.
MODULES    += block
block_SRCS := $(sort $(wildcard lib/block/*.cpp))
