// GPIO field updates: 2 bits per pin in MODER/OSPEEDR/PUPDR, 4 bits in AFRL/AFRH (RM0385 §6.4).
#include "port/armv7m/boards/stm32f746g-disco/gpio.h"

#include "port/armv7m/boards/stm32f746g-disco/stm32f7_regs.h"

namespace oh::arm::stm32 {

void configure_pin(hw::Mmio& port, const PinConfig& c)
{
    uint32_t two = 2u * c.pin;
    uint32_t afr = c.pin < 8 ? gpio::kAfrl : gpio::kAfrh;
    uint32_t four = 4u * (c.pin & 7);
    // The alternate function is selected before the mode switches, so the pin never drives
    // a stale function in between.
    port.modify32(afr, 0xfu << four, uint32_t(c.af & 0xf) << four);
    port.modify32(gpio::kOtyper, 1u << c.pin, uint32_t(c.type) << c.pin);
    port.modify32(gpio::kOspeedr, 3u << two, uint32_t(c.speed) << two);
    port.modify32(gpio::kPupdr, 3u << two, uint32_t(c.pull) << two);
    port.modify32(gpio::kModer, 3u << two, uint32_t(c.mode) << two);
}

} // namespace oh::arm::stm32
