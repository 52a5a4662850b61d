# ARMv7-M port: `make arm` builds the mps2-an500 (QEMU) and stm32f746g-disco images,
# `make arm-size` prints the memory budget per section and module (fails over the limits), `make arm-flash` programs a board.
# Included from the root Makefile; everything lands in build/arm/.

ARM_BUILD    := $(BUILD)/arm
ARM_CXX      := arm-none-eabi-g++
ARM_OBJCOPY  := arm-none-eabi-objcopy
ARM_CPU      := -mcpu=cortex-m7 -mthumb -mfpu=fpv5-sp-d16 -mfloat-abi=hard
ARM_CXXFLAGS := $(ARM_CPU) -DOH_SIZING_COMPACT -std=c++20 -ffreestanding -fno-exceptions -fno-rtti \
                -fno-threadsafe-statics -fno-use-cxa-atexit -fno-unwind-tables \
                -fno-asynchronous-unwind-tables -Os -g -ffunction-sections -fdata-sections \
                -Wall -Wextra -Wno-unused-parameter -I.
ARM_ASFLAGS  := $(ARM_CPU) -g
# memcpy/memset/memmove/memcmp come from newlib-nano; 64-bit division from libgcc.
ARM_LDFLAGS  := $(ARM_CPU) -nostartfiles -nostdlib -Wl,--gc-sections -Wl,--no-warn-rwx-segments
ARM_LDLIBS   := -Wl,--start-group -lc_nano -lgcc -Wl,--end-group
ARM_CMDLINE  := $(if $(strip $(CMDLINE)),$(CMDLINE),net=dhcp)

# The port layer and the portable core it carries (modules built from their own paths).
ARM_PORT_SRCS  := $(armv7m_SRCS)
ARM_PORT_ASM   := $(armv7m_ASM)
ARM_CORE_SRCS  := $(call module_srcs,sched cmdline lib crypto net)
ARM_PHONE_SRCS := $(call module_srcs,sip media phone_core)

MPS2_DIR   := port/armv7m/boards/mps2-an500
MPS2_SRCS  := $(call module_srcs,lan9118 mps2_board)
STM32_DIR  := port/armv7m/boards/stm32f746g-disco
STM32_SRCS := $(call module_srcs,stm32f7_soc stm32_eth stm32_rng stm32_sai wm8994 stm32_board_audio stm32_board)
ARM_BOARD_SRCS := $(MPS2_SRCS) $(STM32_SRCS)

ARM_MPS2_ELF  := $(ARM_BUILD)/offhook-mps2-an500.elf
ARM_STM32_ELF := $(ARM_BUILD)/offhook-stm32f746g-disco.elf
ARM_STM32_BIN := $(ARM_STM32_ELF:.elf=.bin)

arm_objs = $(patsubst %.cpp,$(ARM_BUILD)/obj/%.o,$(filter %.cpp,$(1))) \
           $(patsubst %.S,$(ARM_BUILD)/obj/%.o,$(filter %.S,$(1)))

ARM_COMMON_OBJS := $(call arm_objs,$(ARM_PORT_SRCS) $(ARM_PORT_ASM) $(ARM_CORE_SRCS)) \
                   $(ARM_BUILD)/obj/cmdline_baked.o

.PHONY: arm arm-size arm-flash arm-qemu

$(ARM_BUILD)/flags.stamp: FORCE
	@mkdir -p $(ARM_BUILD)
	@echo '$(ARM_CXXFLAGS)' | cmp -s - $@ || echo '$(ARM_CXXFLAGS)' > $@

$(ARM_BUILD)/obj/%.o: %.cpp $(ARM_BUILD)/flags.stamp
	@mkdir -p $(dir $@)
	$(ARM_CXX) $(ARM_CXXFLAGS) -MMD -MP -c $< -o $@

$(ARM_BUILD)/obj/%.o: %.S $(ARM_BUILD)/flags.stamp
	@mkdir -p $(dir $@)
	$(ARM_CXX) $(ARM_ASFLAGS) -c $< -o $@

# The baked configuration: regenerated only when CMDLINE changes.
$(ARM_BUILD)/cmdline_baked.cpp: FORCE
	@mkdir -p $(ARM_BUILD)
	@python3 port/armv7m/tools/bake_cmdline.py '$(subst ','\'',$(ARM_CMDLINE))' $@

$(ARM_BUILD)/obj/cmdline_baked.o: $(ARM_BUILD)/cmdline_baked.cpp $(ARM_BUILD)/flags.stamp
	@mkdir -p $(dir $@)
	$(ARM_CXX) $(ARM_CXXFLAGS) -c $< -o $@

$(ARM_MPS2_ELF): $(ARM_COMMON_OBJS) $(call arm_objs,$(ARM_PHONE_SRCS) $(MPS2_SRCS)) $(MPS2_DIR)/mps2-an500.ld
	$(ARM_CXX) $(ARM_LDFLAGS) -T $(MPS2_DIR)/mps2-an500.ld -Wl,-Map=$(@:.elf=.map) \
	    -o $@ $(filter %.o,$^) $(ARM_LDLIBS)

# The Discovery image carries the whole phone and must fit the budget (the link fails if not):
# issue 13, the whole phone in <= 64 KiB of RAM and <= 128 KiB of flash, no external SDRAM.
ARM_STM32_FLASH_BUDGET := 131072
ARM_STM32_RAM_BUDGET   := 65536

$(ARM_STM32_ELF): $(ARM_COMMON_OBJS) $(call arm_objs,$(ARM_PHONE_SRCS) $(STM32_SRCS)) \
                  $(STM32_DIR)/stm32f746g-disco.ld port/armv7m/tools/arm_size.py
	$(ARM_CXX) $(ARM_LDFLAGS) -T $(STM32_DIR)/stm32f746g-disco.ld -Wl,-Map=$(@:.elf=.map) \
	    -o $@.tmp $(filter %.o,$^) $(ARM_LDLIBS)
	python3 port/armv7m/tools/arm_size.py --quiet --flash-budget $(ARM_STM32_FLASH_BUDGET) \
	    --ram-budget $(ARM_STM32_RAM_BUDGET) $@.tmp $(@:.elf=.map) || (rm -f $@.tmp; exit 1)
	mv $@.tmp $@

$(ARM_STM32_BIN): $(ARM_STM32_ELF)
	$(ARM_OBJCOPY) -O binary $< $@

arm: $(ARM_MPS2_ELF) $(ARM_STM32_ELF) $(ARM_STM32_BIN)

arm-size: $(ARM_MPS2_ELF) $(ARM_STM32_ELF)
	@python3 port/armv7m/tools/arm_size.py $(ARM_MPS2_ELF) $(ARM_MPS2_ELF:.elf=.map)
	@python3 port/armv7m/tools/arm_size.py --flash-budget $(ARM_STM32_FLASH_BUDGET) \
	    --ram-budget $(ARM_STM32_RAM_BUDGET) $(ARM_STM32_ELF) $(ARM_STM32_ELF:.elf=.map)

# openocd (default) or ARM_FLASH_TOOL=st-flash.
ARM_FLASH_TOOL ?= openocd
arm-flash: $(ARM_STM32_ELF) $(ARM_STM32_BIN)
ifeq ($(ARM_FLASH_TOOL),st-flash)
	st-flash --reset write $(ARM_STM32_BIN) 0x08000000
else
	openocd -f board/stm32f7discovery.cfg -c "program $(ARM_STM32_ELF) verify reset exit"
endif

arm-qemu: $(ARM_MPS2_ELF)
	qemu-system-arm -M mps2-an500 -nographic -kernel $(ARM_MPS2_ELF)

-include $(wildcard $(ARM_BUILD)/obj/*.d $(ARM_BUILD)/obj/*/*.d $(ARM_BUILD)/obj/*/*/*.d \
                    $(ARM_BUILD)/obj/*/*/*/*.d $(ARM_BUILD)/obj/*/*/*/*/*.d)
