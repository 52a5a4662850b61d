# Block cache policy (lib/block) on the host, against a simulated disk.
UNIT_MODULES       += block
unit_block_MODULES := block
unit_block_TESTS   := $(sort $(wildcard tests/unit/block/*.cpp))
