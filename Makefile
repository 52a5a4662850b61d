# Offhook: top-level build. `make` builds build/kernel.elf and build/offhook.iso.
# See README.md for the targets a user needs: run, demo, test, debug.

BUILD      := build
CMDLINE    ?=
SMP        ?= 4
MEM        ?= 256M
QEMU       ?= qemu-system-x86_64
ACCEL      ?= tcg

.DEFAULT_GOAL := all

# Every folder of code declares itself once, in the module.mk next to its sources:
#   MODULES += name ; name_SRCS := ... (; name_ASM := ...)
# and each consumer (the kernel, the ARM images, unit tests, fuzzers, benchmarks) names the
# modules it links, never their files. `make print-MODULE_SRCS` lists every source once.
MODULES :=
include $(sort $(wildcard lib/module.mk lib/*/module.mk net/module.mk sip/module.mk \
                          sip/*/module.mk drivers/*/module.mk kernel/module.mk \
                          port/*/module.mk port/*/soc/*/module.mk port/*/boards/*/module.mk))
module_srcs  = $(foreach m,$(1),$($(m)_SRCS))
MODULE_SRCS := $(call module_srcs,$(MODULES))
MODULE_ASM  := $(foreach m,$(MODULES),$($(m)_ASM))

# Consumers: hosted unit tests, fuzzers, the ARM port (their fragments use the lists above).
UNIT_MODULES :=
FUZZERS      :=
-include $(sort $(wildcard tests/unit/*/module.mk))
-include $(sort $(wildcard tests/fuzz/*.mk))
-include port/armv7m/arm.mk
include userland/userland.mk
.PHONY: all iso run demo debug deps test test-unit test-kernel test-e2e test-fuzz fuzz-campaign bench clean kernel

# ---------------------------------------------------------------------------------------
# Kernel (x86-64, freestanding host g++)
# lib/, kernel/ and drivers/ may run in interrupt context, so they never touch SSE/x87:
# only thread context saves FPU state. Portable net/ and sip/ code runs in threads only.
KCXX       := g++
KAS        := g++
KLD        := ld
KCOMMON    := -std=c++20 -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics \
              -fno-stack-protector -fno-pic -fno-pie -mno-red-zone -mcmodel=kernel \
              -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-asynchronous-unwind-tables \
              -fno-use-cxa-atexit -fcheck-new -fno-tree-loop-distribute-patterns -O2 -g -Wall -Wextra -Wno-unused-parameter -I.
KCXXFLAGS  := $(KCOMMON) -mgeneral-regs-only
KPORTFLAGS := $(KCOMMON) -msse2
KASFLAGS   := -ffreestanding -fno-pic -fno-pie -mcmodel=kernel -I. -g

# Interrupt-safe modules (no SSE), and the portable stack the phone's threads run (compiled
# with SSE allowed: thread context only).
KERNEL_MODULES   := kernel lib crypto boot mm sched acpi cmdline block fs pci e1000 ac97 ata elf
KERNEL_PORTABLE  := net sip media phone_core
KSRC_CORE   = $(call module_srcs,$(KERNEL_MODULES))
KSRC_PORT   = $(call module_srcs,$(KERNEL_PORTABLE))
KSRC_ASM   := $(kernel_ASM)
KOBJ        = $(KSRC_ASM:%.S=$(BUILD)/k/%.o) $(KSRC_CORE:%.cpp=$(BUILD)/k/%.o) \
              $(KSRC_PORT:%.cpp=$(BUILD)/kp/%.o)

# Objects depend on the flags they were built with: a changed flag rebuilds everything.
$(BUILD)/kflags.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(KCXXFLAGS) $(KPORTFLAGS) $(KASFLAGS)' | cmp -s - $@ || echo '$(KCXXFLAGS) $(KPORTFLAGS) $(KASFLAGS)' > $@

$(BUILD)/k/%.o: %.cpp $(BUILD)/kflags.stamp
	@mkdir -p $(dir $@)
	$(KCXX) $(KCXXFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/kp/%.o: %.cpp $(BUILD)/kflags.stamp
	@mkdir -p $(dir $@)
	$(KCXX) $(KPORTFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/k/%.o: %.S $(BUILD)/kflags.stamp
	@mkdir -p $(dir $@)
	$(KAS) $(KASFLAGS) -MMD -MP -c $< -o $@

# Two-pass link: pass 1 gives the addresses, tools/ksyms.py turns its text symbols into a
# table that pass 2 places last in the image (so no code address moves) for backtraces.
$(BUILD)/kernel.elf: $(KOBJ) linker.ld tools/ksyms.py
	$(KLD) -n -z noexecstack --no-warn-rwx-segments -T linker.ld -o $(BUILD)/kernel.pass1.elf $(KOBJ)
	python3 tools/ksyms.py $(BUILD)/kernel.pass1.elf $(BUILD)/ksyms.bin
	cd $(BUILD) && objcopy -I binary -O elf64-x86-64 -B i386:x86-64 \
	    --rename-section .data=.ksyms,alloc,load,readonly,data,contents ksyms.bin ksyms.o
	$(KLD) -n -z noexecstack --no-warn-rwx-segments -T linker.ld -o $@ $(KOBJ) $(BUILD)/ksyms.o
	@python3 tools/ksyms.py --check $(BUILD)/kernel.pass1.elf $@

kernel: $(BUILD)/kernel.elf

# The command line is baked into grub.cfg; a stamp file notices when it changes.
$(BUILD)/cmdline.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CMDLINE)' | cmp -s - $@ || echo '$(CMDLINE)' > $@

$(BUILD)/offhook.iso: $(BUILD)/kernel.elf $(USER_ELFS) boot/grub.cfg.in $(BUILD)/cmdline.stamp
	tools/mkiso.sh $(BUILD)/kernel.elf $@ $(CMDLINE)

iso: deps $(BUILD)/offhook.iso
all: deps $(BUILD)/offhook.iso

FORCE:

QEMU_ARGS := -M pc -smp $(SMP) -m $(MEM) -accel $(ACCEL) -cdrom $(BUILD)/offhook.iso \
             -serial stdio -display none -no-reboot \
             -device isa-debug-exit,iobase=0xf4,iosize=0x04

# `make run SIP_SERVER=pbx.example SIP_USER=1000 SIP_PASSWORD=...` points the phone at a PBX.
# Networking (tools/run_net.py): QEMU's user mode by default, the phone behind QEMU's NAT at
# 10.0.2.15, this host's loopback at 10.0.2.2 (a PBX on this machine: SIP_SERVER=10.0.2.2).
# Nothing is forwarded unless FORWARD=5060 (or HOSTPORT:GUESTPORT,...) asks; a taken port is
# refused before QEMU starts. NET=tap TAP=IFNAME puts it on a tap device instead.
# AUDIO=pa plays through PulseAudio; AUDIO=wav records to build/speaker.wav (at 8 kHz).
SIP_SERVER   ?=
SIP_USER     ?=
SIP_PASSWORD ?=
SIP_DOMAIN   ?=
AUDIO        ?= none
NET          ?= user
FORWARD      ?=
TAP          ?=
RUN_CMDLINE  := $(strip $(CMDLINE) $(if $(SIP_SERVER),sip.server=$(SIP_SERVER)) \
                $(if $(SIP_USER),sip.user=$(SIP_USER)) $(if $(SIP_PASSWORD),sip.password=$(SIP_PASSWORD)) \
                $(if $(SIP_DOMAIN),sip.domain=$(SIP_DOMAIN)))
comma        := ,
RUN_AUDIO    := $(if $(filter wav,$(AUDIO)),wav$(comma)id=snd$(comma)path=$(BUILD)/speaker.wav$(comma)out.frequency=8000,$(AUDIO)$(comma)id=snd)

run: deps build/kernel.elf
	$(MAKE) --no-print-directory iso CMDLINE='$(RUN_CMDLINE)'
	@net="$$(python3 tools/run_net.py $(NET) '$(if $(filter tap,$(NET)),$(TAP),$(FORWARD))')" || exit 2; \
	echo "$(QEMU) $(QEMU_ARGS) $$net -device AC97,audiodev=snd -audiodev $(RUN_AUDIO)"; \
	exec $(QEMU) $(QEMU_ARGS) $$net -device AC97,audiodev=snd -audiodev $(RUN_AUDIO)

# The phone in the lab (netns + Kamailio + baresip), a call, a summary; see tools/demo.py.
demo: deps build/kernel.elf
	python3 tools/demo.py

debug: all
	$(QEMU) $(QEMU_ARGS) -s -S & \
	gdb -q $(BUILD)/kernel.elf -ex 'target remote localhost:1234' -ex 'hbreak kernel_main' -ex 'continue'

deps:
	@tools/deps.sh

# ---------------------------------------------------------------------------------------
# Hosted unit tests (GoogleTest, ASan + UBSan). Each declares itself in tests/unit/<t>/module.mk:
#   UNIT_MODULES += t ; unit_t_MODULES := <modules under test> ; unit_t_TESTS := ... ; unit_t_LIBS :=
HCXX       := g++
HCXXFLAGS  := -std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined -Wall -Wextra -Wno-unused-parameter -I. -DOH_HOSTED=1

$(BUILD)/h/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(HCXX) $(HCXXFLAGS) -MMD -MP -c $< -o $@

define unit_rule
$(BUILD)/unit_$(1): $$(patsubst %.cpp,$(BUILD)/h/%.o,$$(call module_srcs,$$(unit_$(1)_MODULES)) \
                    $$(unit_$(1)_TESTS))
	$$(HCXX) $$(HCXXFLAGS) -o $$@ $$^ -lgtest -lgtest_main -pthread $$(unit_$(1)_LIBS)
endef
$(foreach m,$(UNIT_MODULES),$(eval $(call unit_rule,$(m))))

UNIT_BINS := $(UNIT_MODULES:%=$(BUILD)/unit_%)
unit-bins: $(UNIT_BINS)

# libFuzzer targets (clang). tests/fuzz/<area>.mk:
#   FUZZERS += f ; fuzz_f_MODULES := <modules> ; fuzz_f_SRCS := <the harness>
FCXX       := clang++
FCXXFLAGS  := -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I. -DOH_HOSTED=1
define fuzz_rule
$(BUILD)/fuzz_$(1): $$(fuzz_$(1)_SRCS) $$(call module_srcs,$$(fuzz_$(1)_MODULES))
	@mkdir -p $(BUILD)
	$$(FCXX) $$(FCXXFLAGS) -o $$@ $$^
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rule,$(f))))
FUZZ_BINS := $(FUZZERS:%=$(BUILD)/fuzz_%)
fuzz-bins: $(FUZZ_BINS)

# ---------------------------------------------------------------------------------------
# Test tiers. tools/run-tests.py prints one line per test and ends with `N passed, N failed`.
test: deps
	@python3 tools/run-tests.py all

test-unit: deps
	@python3 tools/run-tests.py unit

test-kernel: deps
	@python3 tools/run-tests.py kernel

test-e2e: deps
	@python3 tools/run-tests.py e2e

test-fuzz: deps
	@python3 tools/run-tests.py fuzz

# Not part of `make test`: every fuzzer for RUNS executions (default 10 M), JOBS at once.
fuzz-campaign: deps
	@python3 tools/fuzz_campaign.py $(if $(RUNS),--runs $(RUNS)) $(if $(JOBS),--jobs $(JOBS))

bench: all
	@python3 tools/bench/all.py $(if $(QUICK),--quick)

# For editors and clang-tidy: every source with the command its build uses.
UNIT_TEST_SRCS    = $(foreach m,$(UNIT_MODULES),$(unit_$(m)_TESTS))
FUZZ_HARNESS_SRCS = $(foreach f,$(FUZZERS),$(fuzz_$(f)_SRCS))
.PHONY: compile_commands.json
compile_commands.json:
	@python3 tools/compile_commands.py $@

print-%:
	@echo '$($*)'

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
