# sip/: SIP messages, URIs, SDP, digest authentication, transactions and the user agent.
MODULES  += sip
sip_SRCS := $(sort $(wildcard sip/*.cpp))
