# The ELF64 checks and the user memory-map planning of lib/elf.
UNIT_MODULES     += elf
unit_elf_MODULES := elf lib
unit_elf_TESTS   := $(wildcard tests/unit/elf/*.cpp)
