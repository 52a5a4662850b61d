# lib/mm: the physical frame bitmap and the kernel heap's allocator (pure bookkeeping).
MODULES += mm
mm_SRCS := $(sort $(wildcard lib/mm/*.cpp))
