# The ARM boards' drivers against register-file models on the host.
UNIT_MODULES         += armport
unit_armport_MODULES := mps2_drivers stm32_drivers
unit_armport_TESTS   := $(wildcard tests/unit/armport/*_test.cpp)
