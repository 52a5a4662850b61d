// GPIO field updates: 2 bits per pin in MODER/OSPEEDR/PUPDR, 4 bits in AFRL/AFRH (RM0385 §6.4).
#include "port/armv7m/soc/stm32f7/gpio.h"

#include "port/armv7m/soc/stm32f7/stm32f7_regs.h"

namespace oh::arm::stm32 {

void configure_pin(hw::Mmio& port, const PinConfig& c)
{
    using namespace gpio;
    // The alternate function is selected before the mode switches, so the pin never drives
    // a stale function in between.
    if (c.pin < 8)
        Afrl::read(port).set_at<Afrl::Af>(c.pin, c.af).write(port);
    else
        Afrh::read(port).set_at<Afrh::Af>(c.pin - 8u, c.af).write(port);
    Otyper::read(port).set_at<Otyper::Type>(c.pin, uint32_t(c.type)).write(port);
    Ospeedr::read(port).set_at<Ospeedr::Speed>(c.pin, uint32_t(c.speed)).write(port);
    Pupdr::read(port).set_at<Pupdr::Pull>(c.pin, uint32_t(c.pull)).write(port);
    Moder::read(port).set_at<Moder::Mode>(c.pin, uint32_t(c.mode)).write(port);
}

} // namespace oh::arm::stm32
