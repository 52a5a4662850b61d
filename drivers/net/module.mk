# drivers/net: the Intel e1000 (82540EM) driver core.
MODULES     += e1000
e1000_SRCS := $(sort $(wildcard drivers/net/*.cpp))
