# Block cache policy (kernel/block) on the host, against a simulated disk.
UNIT_MODULES += block
block_SRCS  := $(sort $(wildcard kernel/block/*.cpp))
block_TESTS := $(sort $(wildcard tests/unit/block/*.cpp))
