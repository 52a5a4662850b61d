# net/: the portable IPv4 stack (Ethernet, ARP, IPv4, ICMP, UDP, DHCP, DNS).
MODULES  += net
net_SRCS := $(sort $(wildcard net/*.cpp))
