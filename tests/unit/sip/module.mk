UNIT_MODULES     += sip
unit_sip_MODULES := sip
unit_sip_TESTS   := $(wildcard tests/unit/sip/*.cpp)
