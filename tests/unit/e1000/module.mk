UNIT_MODULES       += e1000
unit_e1000_MODULES := e1000 net
unit_e1000_TESTS   := $(sort $(wildcard tests/unit/e1000/*.cpp))
