# libFuzzer targets for the SIP core: messages, URIs, SDP, digest challenges, the whole UA.
SIP_FUZZ_CORE := sip/message.cpp sip/uri.cpp sip/headers.cpp sip/builder.cpp
FUZZERS += sip_message sip_uri sip_sdp sip_digest sip_ua
fuzz_sip_message_SRCS := tests/fuzz/fuzz_sip_message.cpp $(SIP_FUZZ_CORE)
fuzz_sip_uri_SRCS := tests/fuzz/fuzz_sip_uri.cpp $(SIP_FUZZ_CORE)
fuzz_sip_sdp_SRCS := tests/fuzz/fuzz_sip_sdp.cpp sip/sdp.cpp sip/uri.cpp
fuzz_sip_digest_SRCS := tests/fuzz/fuzz_sip_digest.cpp sip/digest.cpp sip/md5.cpp sip/uri.cpp
fuzz_sip_ua_SRCS := tests/fuzz/fuzz_sip_ua.cpp $(wildcard sip/*.cpp)
