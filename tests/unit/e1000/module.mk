UNIT_MODULES += e1000
e1000_SRCS  := drivers/net/e1000.cpp
e1000_TESTS := $(wildcard tests/unit/e1000/*.cpp)
