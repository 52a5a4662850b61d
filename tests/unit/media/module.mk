UNIT_MODULES += media
media_SRCS  := $(wildcard sip/media/*.cpp)
media_TESTS := $(wildcard tests/unit/media/*.cpp)
media_LIBS  := -lspandsp
