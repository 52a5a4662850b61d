# lib/fs: FAT32 (read, write, create), the /offhook.cfg parser and the WAV writer.
MODULES += fs
fs_SRCS := $(sort $(wildcard lib/fs/*.cpp))
