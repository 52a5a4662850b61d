# drivers/ata: the ATA/IDE disk driver (PIIX bus-master DMA and PIO).
MODULES  += ata
ata_SRCS := $(sort $(wildcard drivers/ata/*.cpp))
