UNIT_MODULES     += net
unit_net_MODULES := net crypto
unit_net_TESTS   := $(sort $(wildcard tests/unit/net/*.cpp))
