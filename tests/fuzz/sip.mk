# libFuzzer targets for the SIP core: messages, URIs, SDP, digest challenges, the whole UA.
FUZZERS += sip_message sip_uri sip_sdp sip_digest sip_ua
fuzz_sip_message_MODULES := sip
fuzz_sip_message_SRCS    := tests/fuzz/fuzz_sip_message.cpp
fuzz_sip_uri_MODULES     := sip
fuzz_sip_uri_SRCS        := tests/fuzz/fuzz_sip_uri.cpp
fuzz_sip_sdp_MODULES     := sip
fuzz_sip_sdp_SRCS        := tests/fuzz/fuzz_sip_sdp.cpp
fuzz_sip_digest_MODULES  := sip
fuzz_sip_digest_SRCS     := tests/fuzz/fuzz_sip_digest.cpp
fuzz_sip_ua_MODULES      := sip
fuzz_sip_ua_SRCS         := tests/fuzz/fuzz_sip_ua.cpp
