# The QEMU mps2-an500 board: its LAN9118 driver (host-tested) and the board glue.
MODULES             += mps2_drivers mps2_board
mps2_drivers_SRCS := port/armv7m/boards/mps2-an500/lan9118.cpp
mps2_board_SRCS   := port/armv7m/boards/mps2-an500/board.cpp
