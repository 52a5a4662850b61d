# drivers/lan9118: the SMSC LAN9118 Ethernet controller (QEMU's mps2-an500 board).
MODULES      += lan9118
lan9118_SRCS := $(sort $(wildcard drivers/lan9118/*.cpp))
