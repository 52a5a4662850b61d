UNIT_MODULES      += ac97
unit_ac97_MODULES := ac97
unit_ac97_TESTS   := $(wildcard tests/unit/ac97/*.cpp)
