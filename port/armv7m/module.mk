# The ARMv7-M port layer (start-up, NVIC, SysTick, threads) and its phone application.
MODULES          += armv7m
armv7m_SRCS      := $(sort $(wildcard port/armv7m/*.cpp port/armv7m/app/*.cpp))
armv7m_ASM       := port/armv7m/context.S
