# kernel/: x86-64 mechanism and glue (boot, CPUs, interrupts, threads, memory, devices,
# the phone's threads). Everything under kernel/ belongs to this module.
MODULES     += kernel
kernel_SRCS := $(shell find kernel -name '*.cpp' | sort)
kernel_ASM  := $(shell find boot kernel -name '*.S' | sort)
