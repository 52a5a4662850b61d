# ATA/IDE driver core (drivers/ata) against a mock PIIX IDE channel, and under the block cache.
UNIT_MODULES += ata
ata_SRCS  := drivers/ata/ata.cpp $(sort $(wildcard kernel/block/*.cpp))
ata_TESTS := $(sort $(wildcard tests/unit/ata/*.cpp))
