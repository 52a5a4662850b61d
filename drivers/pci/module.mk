# drivers/pci: PCI configuration space enumeration.
MODULES  += pci
pci_SRCS := $(sort $(wildcard drivers/pci/*.cpp))
