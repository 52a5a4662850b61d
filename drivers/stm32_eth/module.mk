# drivers/stm32_eth: the STM32F7 Ethernet MAC and its DMA descriptors (RM0385 §38).
MODULES        += stm32_eth
stm32_eth_SRCS := $(sort $(wildcard drivers/stm32_eth/*.cpp))
