# drivers/stm32_rng: the STM32F7 true random number generator (RM0385 §19).
MODULES        += stm32_rng
stm32_rng_SRCS := $(sort $(wildcard drivers/stm32_rng/*.cpp))
