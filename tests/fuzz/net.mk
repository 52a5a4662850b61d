FUZZERS += net_stack net_dhcp net_dns
NET_FUZZ_SRCS := $(sort $(wildcard net/*.cpp))
fuzz_net_stack_SRCS := tests/fuzz/fuzz_net_stack.cpp $(NET_FUZZ_SRCS)
fuzz_net_dhcp_SRCS := tests/fuzz/fuzz_net_dhcp.cpp $(NET_FUZZ_SRCS)
fuzz_net_dns_SRCS := tests/fuzz/fuzz_net_dns.cpp $(NET_FUZZ_SRCS)
