# lib/boot: the multiboot2 boot-information parser (command line, memory map, RSDP).
MODULES   += boot
boot_SRCS := $(sort $(wildcard lib/boot/*.cpp))
