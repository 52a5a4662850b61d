UNIT_MODULES += sip
sip_SRCS  := $(wildcard sip/*.cpp)
sip_TESTS := $(wildcard tests/unit/sip/*.cpp)
