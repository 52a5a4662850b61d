# lib/elf: static ELF64 executables checked and turned into a user memory map (pure; the
# kernel's loader only allocates, copies and maps what the plan says).
MODULES  += elf
elf_SRCS := $(sort $(wildcard lib/elf/*.cpp))
