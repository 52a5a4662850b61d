UNIT_MODULES += net
net_SRCS  := $(sort $(wildcard net/*.cpp))
net_TESTS := $(sort $(wildcard tests/unit/net/*.cpp))
