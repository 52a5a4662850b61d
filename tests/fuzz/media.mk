# libFuzzer targets for the media code (sip/media): RTP and RTCP parsers, and a whole session.
MEDIA_FUZZ_SRCS := $(wildcard sip/media/*.cpp)
FUZZERS += rtp rtp_rtcp media_session
fuzz_rtp_SRCS := tests/fuzz/fuzz_rtp.cpp sip/media/rtp.cpp sip/media/telephone_event.cpp
fuzz_rtp_rtcp_SRCS := tests/fuzz/fuzz_rtp_rtcp.cpp sip/media/rtcp.cpp
fuzz_media_session_SRCS := tests/fuzz/fuzz_media_session.cpp $(MEDIA_FUZZ_SRCS)
