# The STM32F7 SoC: clock tree, GPIO, I2C master, register maps (RM0385), shared by its boards.
MODULES          += stm32f7_soc
stm32f7_soc_SRCS := $(sort $(wildcard port/armv7m/soc/stm32f7/*.cpp))
