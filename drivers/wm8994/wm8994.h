// Wolfson/Cirrus WM8994 codec on the Discovery board: headphone out from AIF1 DAC1,
// the two digital MEMS microphones (DMIC2) into AIF1 ADC2, I2S slave at 16 kHz.
#pragma once

#include <stdint.h>

#include "lib/result.h"
#include "lib/hw/io.h"

namespace oh::arm::stm32 {

// WM8994 datasheet rev 4.4, "Register map": the registers this driver programs.
namespace wm8994 {
constexpr uint8_t kI2cAddress = 0x1A;   // CS/ADDR low on the board
constexpr uint16_t kChipId = 0x8994;    // R0 reads back the device ID
constexpr uint16_t kSoftwareReset = 0x0000, kPowerMgmt1 = 0x0001, kPowerMgmt2 = 0x0002,
                   kPowerMgmt4 = 0x0004, kPowerMgmt5 = 0x0005, kHpout1LVol = 0x001C,
                   kHpout1RVol = 0x001D, kOutputMixer1 = 0x002D, kOutputMixer2 = 0x002E,
                   kAntipop2 = 0x0039, kChargePump1 = 0x004C, kAnalogHp1 = 0x0060,
                   kAif1Clocking1 = 0x0200, kClocking1 = 0x0208, kAif1Rate = 0x0210,
                   kAif1Control1 = 0x0300, kAif1MasterSlave = 0x0302,
                   kAif1Adc2LVol = 0x0404, kAif1Adc2RVol = 0x0405, kAif1Adc2Filters = 0x0411,
                   kAif1Dac1Filters1 = 0x0420, kDac1LMixer = 0x0601, kDac1RMixer = 0x0602,
                   kAif1Adc2LMixer = 0x0608, kAif1Adc2RMixer = 0x0609,
                   kDac1LVol = 0x0610, kDac1RVol = 0x0611;
constexpr uint16_t kVolumeUpdate = 1u << 8;
constexpr uint16_t kRate16kHz256fs = 0x0033; // AIF1_SR = 16 kHz [7:4], AIF1CLK_RATE = 256 fs [3:0]
} // namespace wm8994

class Wm8994 {
public:
    Wm8994(hw::I2cBus& bus, hw::Delay& delay) : m_bus(bus), m_delay(delay) { }

    Result<uint16_t> read(uint16_t reg);
    Result<void> write(uint16_t reg, uint16_t value);
    // Reset, identify, then bring up both paths with the datasheet's anti-pop ordering.
    Result<void> initialize(uint8_t headphone_volume);
    Result<void> set_headphone_volume(uint8_t volume); // 0..63, 57 = 0 dB

private:
    Result<void> power_up_headphones(uint8_t volume);

    hw::I2cBus& m_bus;
    hw::Delay& m_delay;
};

} // namespace oh::arm::stm32
