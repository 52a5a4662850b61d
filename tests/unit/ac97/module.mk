UNIT_MODULES += ac97
ac97_SRCS  := $(wildcard drivers/ac97/*.cpp)
ac97_TESTS := $(wildcard tests/unit/ac97/*.cpp)
ac97_LIBS  :=
