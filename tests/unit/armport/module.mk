# The ARM boards' drivers against register-file models on the host.
UNIT_MODULES         += armport
unit_armport_MODULES := lan9118 stm32f7_soc stm32_eth stm32_rng stm32_sai wm8994 stm32_board_audio
unit_armport_TESTS   := $(wildcard tests/unit/armport/*_test.cpp)
