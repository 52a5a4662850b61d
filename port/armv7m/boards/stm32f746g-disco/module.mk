# The STM32F746G-DISCO board: its wiring (board.cpp) and its audio channel handling around
# the shared resampler (two microphones, two earpieces; host-tested).
MODULES               += stm32_board stm32_board_audio
stm32_board_SRCS       := port/armv7m/boards/stm32f746g-disco/board.cpp
stm32_board_audio_SRCS := port/armv7m/boards/stm32f746g-disco/resample.cpp
