# ATA/IDE driver core (drivers/ata) against a mock PIIX IDE channel, and under the block cache.
UNIT_MODULES     += ata
unit_ata_MODULES := ata block
unit_ata_TESTS   := $(sort $(wildcard tests/unit/ata/*.cpp))
