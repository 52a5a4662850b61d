# sip/phone: the phone core both targets share: settings from sip.*/phone.*/rtp.* keys, call
# control and its state, and the console's phone commands.
MODULES        += phone_core
phone_core_SRCS := $(sort $(wildcard sip/phone/*.cpp))
