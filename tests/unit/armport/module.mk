UNIT_MODULES += armport
armport_SRCS  := port/armv7m/boards/mps2-an500/lan9118.cpp \
                 $(filter-out %/board.cpp,$(wildcard port/armv7m/boards/stm32f746g-disco/*.cpp))
armport_TESTS := $(wildcard tests/unit/armport/*_test.cpp)
