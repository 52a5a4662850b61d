# Pure kernel policy (allocators, scheduler policy, ACPI tables, command line) on the host.
UNIT_MODULES += kernel
kernel_SRCS  := kernel/boot/multiboot2.cpp kernel/mm/frame_bitmap.cpp kernel/mm/heap_allocator.cpp $(wildcard kernel/sched/policy*.cpp) \
                $(wildcard kernel/acpi/*.cpp) $(wildcard kernel/boot/cmdline.cpp) lib/format.cpp
kernel_TESTS := $(wildcard tests/unit/kernel/*.cpp)
