UNIT_MODULES += pci
pci_SRCS  := drivers/pci/pci.cpp
pci_TESTS := $(wildcard tests/unit/pci/*.cpp)
