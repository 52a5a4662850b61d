# The STM32F746G-DISCO board: its drivers (host-tested against register models) and the
# board glue that wires them up.
MODULES            += stm32_drivers stm32_board
stm32_drivers_SRCS := $(filter-out %/board.cpp,$(sort $(wildcard port/armv7m/boards/stm32f746g-disco/*.cpp)))
stm32_board_SRCS   := port/armv7m/boards/stm32f746g-disco/board.cpp
