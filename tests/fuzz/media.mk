# libFuzzer targets for the media code (sip/media): RTP and RTCP parsers, and a whole session.
FUZZERS += rtp rtp_rtcp media_session
fuzz_rtp_MODULES           := media
fuzz_rtp_SRCS              := tests/fuzz/fuzz_rtp.cpp
fuzz_rtp_rtcp_MODULES      := media
fuzz_rtp_rtcp_SRCS         := tests/fuzz/fuzz_rtp_rtcp.cpp
fuzz_media_session_MODULES := media
fuzz_media_session_SRCS    := tests/fuzz/fuzz_media_session.cpp
