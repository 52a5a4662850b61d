# userland/: ring-3 programs, built freestanding with the host g++ as static ELF64 executables
# linked at 0x400000 (lib/elf checks them the same way at boot). Each becomes a multiboot2
# module of the ISO, named after its file (tools/mkiso.sh): `run=hello` starts it.
UCXX      := g++
UCXXFLAGS := -std=c++20 -ffreestanding -fno-exceptions -fno-rtti -fno-pic -fno-pie \
             -fno-stack-protector -fno-asynchronous-unwind-tables -fno-threadsafe-statics \
             -O2 -g -Wall -Wextra -I. -Iuserland/include
# One page per segment kind (text, rodata, data): the loader refuses segments sharing a page.
ULDFLAGS  := -nostdlib -static -no-pie -Wl,-Ttext-segment=0x400000 -Wl,-z,max-page-size=0x1000 \
             -Wl,-z,separate-code -Wl,-z,noexecstack -Wl,--build-id=none
USER_PROGS := $(sort $(basename $(notdir $(wildcard userland/bin/*.cpp))))
USER_ELFS  := $(USER_PROGS:%=$(BUILD)/user/%.elf)
USER_RT    := $(BUILD)/user/rt/crt0.o $(BUILD)/user/rt/util.o $(BUILD)/user/rt/format.o

$(BUILD)/user/rt/%.o: userland/lib/%.S
	@mkdir -p $(dir $@)
	$(UCXX) $(UCXXFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/user/rt/%.o: userland/lib/%.cpp
	@mkdir -p $(dir $@)
	$(UCXX) $(UCXXFLAGS) -MMD -MP -c $< -o $@
# The kernel's own printf-style formatter (lib/format.cpp, freestanding), for printf().
$(BUILD)/user/rt/format.o: lib/format.cpp
	@mkdir -p $(dir $@)
	$(UCXX) $(UCXXFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/user/obj/%.o: userland/bin/%.cpp
	@mkdir -p $(dir $@)
	$(UCXX) $(UCXXFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/user/%.elf: $(USER_RT) $(BUILD)/user/obj/%.o
	$(UCXX) $(ULDFLAGS) -o $@ $^

.PHONY: userland
userland: $(USER_ELFS)
