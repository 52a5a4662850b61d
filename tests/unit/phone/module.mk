UNIT_MODULES       += phone
unit_phone_MODULES := phone_core sip media cmdline lib
unit_phone_TESTS   := $(wildcard tests/unit/phone/*.cpp)
unit_phone_LIBS    := -lspandsp
