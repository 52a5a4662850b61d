# The QEMU mps2-an500 board: wiring of the CMSDK UART, the LAN9118 and the timer source.
MODULES         += mps2_board
mps2_board_SRCS := port/armv7m/boards/mps2-an500/board.cpp
