# libFuzzer targets for the network stack: whole frames, DHCP replies, DNS answers.
FUZZERS += net_stack net_dhcp net_dns
fuzz_net_stack_MODULES := net
fuzz_net_stack_SRCS    := tests/fuzz/fuzz_net_stack.cpp
fuzz_net_dhcp_MODULES  := net
fuzz_net_dhcp_SRCS     := tests/fuzz/fuzz_net_dhcp.cpp
fuzz_net_dns_MODULES   := net
fuzz_net_dns_SRCS      := tests/fuzz/fuzz_net_dns.cpp
