# lib/cmdline: key=value configuration (the kernel command line, /offhook.cfg, the ARM
# image's baked string).
MODULES      += cmdline
cmdline_SRCS := $(sort $(wildcard lib/cmdline/*.cpp))
