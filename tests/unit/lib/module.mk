UNIT_MODULES     += lib
unit_lib_MODULES := lib
unit_lib_TESTS   := $(wildcard tests/unit/lib/*.cpp)
