UNIT_MODULES     += pci
unit_pci_MODULES := pci
unit_pci_TESTS   := $(wildcard tests/unit/pci/*.cpp)
