# drivers/ac97: the Intel ICH AC'97 audio driver core and its 8 <-> 48 kHz resampler.
MODULES   += ac97
ac97_SRCS := $(sort $(wildcard drivers/ac97/*.cpp))
