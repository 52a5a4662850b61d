# lib/sched: the scheduler's policy (run queues, priorities, balancing choices); the x86
# kernel and the ARMv7-M port each add their own context switch.
MODULES    += sched
sched_SRCS := $(sort $(wildcard lib/sched/*.cpp))
