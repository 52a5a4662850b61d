# lib/acpi: ACPI table parsing (RSDP, XSDT/RSDT, MADT).
MODULES   += acpi
acpi_SRCS := $(sort $(wildcard lib/acpi/*.cpp))
