UNIT_MODULES += lib
lib_SRCS  := $(wildcard lib/*.cpp)
lib_TESTS := $(wildcard tests/unit/lib/*.cpp)
