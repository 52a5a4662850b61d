# Pure kernel policy (allocators, scheduler policy, ACPI tables, multiboot2, command line).
UNIT_MODULES        += kernel
unit_kernel_MODULES := boot mm sched acpi cmdline lib
unit_kernel_TESTS   := $(wildcard tests/unit/kernel/*.cpp)
