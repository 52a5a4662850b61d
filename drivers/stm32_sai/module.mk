# drivers/stm32_sai: the STM32F7 SAI audio blocks with DMA2 circular streams (RM0385 §33, §8).
MODULES        += stm32_sai
stm32_sai_SRCS := $(sort $(wildcard drivers/stm32_sai/*.cpp))
