UNIT_MODULES       += media
unit_media_MODULES := media
unit_media_TESTS   := $(wildcard tests/unit/media/*.cpp)
unit_media_LIBS    := -lspandsp
