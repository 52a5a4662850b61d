# sip/media: RTP/RTCP, G.711, DTMF, jitter buffer, PLC, tones and the media session.
MODULES    += media
media_SRCS := $(sort $(wildcard sip/media/*.cpp))
