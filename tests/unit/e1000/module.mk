UNIT_MODULES += e1000
e1000_SRCS  := $(sort $(wildcard drivers/net/*.cpp)) $(sort $(wildcard net/*.cpp))
e1000_TESTS := $(sort $(wildcard tests/unit/e1000/*.cpp))
