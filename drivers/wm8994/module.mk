# drivers/wm8994: the Cirrus (Wolfson) WM8994 audio codec over I2C.
MODULES     += wm8994
wm8994_SRCS := $(sort $(wildcard drivers/wm8994/*.cpp))
