// Wolfson/Cirrus WM8994 codec on the Discovery board: headphone out from AIF1 DAC1 (timeslot 0),
// the two digital MEMS microphones on DMICDAT2 into AIF1 ADC2 (timeslot 1), I2S slave at 16 kHz.
#pragma once

#include <stdint.h>

#include "lib/result.h"
#include "lib/hw/io.h"

namespace oh::arm::stm32 {

// WM8994 datasheet rev 4.4: register addresses ("Register map") and the fields this driver
// programs, each with the table that defines it.
namespace wm8994 {
constexpr uint8_t kI2cAddress = 0x1A;   // CS/ADDR low on the board
constexpr uint16_t kChipId = 0x8994;    // R0 reads back the device ID

constexpr uint16_t kSoftwareReset = 0x0000, kPowerMgmt1 = 0x0001, kPowerMgmt4 = 0x0004,
                   kPowerMgmt5 = 0x0005, kHpout1LVol = 0x001C, kHpout1RVol = 0x001D,
                   kOutputMixer1 = 0x002D, kOutputMixer2 = 0x002E, kAntipop2 = 0x0039,
                   kChargePump1 = 0x004C, kDcServo1 = 0x0054, kDcServoReadback = 0x0058,
                   kAnalogHp1 = 0x0060, kAif1Clocking1 = 0x0200, kClocking1 = 0x0208,
                   kAif1Rate = 0x0210, kAif1Control1 = 0x0300, kAif1MasterSlave = 0x0302,
                   kAif1Adc2LVol = 0x0404, kAif1Adc2RVol = 0x0405, kAif1Adc2Filters = 0x0411,
                   kAif1Dac1Filters1 = 0x0420, kDac1LMixer = 0x0601, kDac1RMixer = 0x0602,
                   kAif1Adc2LMixer = 0x0608, kAif1Adc2RMixer = 0x0609, kDac1LVol = 0x0610,
                   kDac1RVol = 0x0611;

// R1 Power Management (1), Tables 1, 56, 136.
constexpr uint16_t kBiasEna = 1u << 0, kVmidSelNormal = 1u << 1 /* VMID_SEL = 01, 2 x 40k */,
                   kMicb1Ena = 1u << 4, kHpout1REna = 1u << 8, kHpout1LEna = 1u << 9;
// R4 Power Management (4), Tables 9 and 88.
constexpr uint16_t kDmic2REna = 1u << 4, kDmic2LEna = 1u << 5, kAif1Adc1REna = 1u << 8,
                   kAif1Adc1LEna = 1u << 9, kAif1Adc2REna = 1u << 10, kAif1Adc2LEna = 1u << 11;
// R5 Power Management (5), Table 88 and "DAC enable".
constexpr uint16_t kDac1REna = 1u << 0, kDac1LEna = 1u << 1, kAif1Dac1REna = 1u << 8,
                   kAif1Dac1LEna = 1u << 9;
// R28/R29 headphone PGA, Table 63: VOL [5:0] (-57 dB + code, Table 65), MUTE_N, VU.
constexpr uint16_t kHpoutVolMask = 0x3F, kHpoutMuteN = 1u << 6, kHpoutVu = 1u << 8;
constexpr int kHpoutMinDb = -57, kHpoutMaxDb = 6;
// R45/R46 output mixers, Table 63: the headphone PGA takes DAC1 directly (no MIXOUT needed).
constexpr uint16_t kDac1ToHpout1 = 1u << 8;
// R57 AntiPOP (2), Tables 136-137.
constexpr uint16_t kBiasSrcStartup = 1u << 1, kStartupBiasEna = 1u << 2, kVmidRampSoftFast = 3u << 5;
// R76 Charge Pump (1), Table 70.
constexpr uint16_t kCpEna = 1u << 15;
// R84 DC Servo (1) and R88 readback, Table 71.
constexpr uint16_t kDcsEnaChan0 = 1u << 0, kDcsEnaChan1 = 1u << 1, kDcsTrigStartup0 = 1u << 4,
                   kDcsTrigStartup1 = 1u << 5;
constexpr uint16_t kDcsStartupCompleteMask = 3u; // R88 [1:0], bit per channel
// R96 Analogue HP (1), Table 56.
constexpr uint16_t kHpout1RDly = 1u << 1, kHpout1ROutp = 1u << 2, kHpout1RRmvShort = 1u << 3,
                   kHpout1LDly = 1u << 5, kHpout1LOutp = 1u << 6, kHpout1LRmvShort = 1u << 7;
// R512 AIF1 Clocking (1): AIF1CLK_SRC [4:3] = 00 (MCLK1), AIF1CLK_ENA [0].
constexpr uint16_t kAif1ClkEna = 1u << 0;
// R520 Clocking (1): SYSCLK_SRC [0] = 0 (AIF1CLK), SYSDSPCLK_ENA [1], AIF1DSPCLK_ENA [3].
constexpr uint16_t kSysDspClkEna = 1u << 1, kAif1DspClkEna = 1u << 3;
// R528 AIF1 Rate: AIF1_SR [7:4] (3 = 16 kHz), AIF1CLK_RATE [3:0] (3 = 256 fs).
constexpr uint16_t kAif1Sr16k = 3u << 4, kAif1ClkRate256 = 3u;
// R768 AIF1 Control (1), Table 90: right ADC on the right channel, I2S, 16-bit words.
constexpr uint16_t kAif1AdcrSrcRight = 1u << 14, kAif1FmtI2s = 2u << 3, kAif1Wl16 = 0u << 5;
// R1028/R1029 AIF1 ADC2 volume, R1552/R1553 DAC1 volume: 0xC0 = 0 dB; VU [8]; DAC1 MUTE [9].
constexpr uint16_t kDigital0dB = 0xC0, kDigitalVu = 1u << 8, kDac1Mute = 1u << 9;
// R1041 AIF1 ADC2 filters, Tables 36-37: HPF_CUT [14:13] = 01 is 127 Hz at 16 kHz (voice
// mode 1); 00 would be the hi-fi 1.3 Hz DC blocker.
constexpr uint16_t kAif1Adc2HpfR = 1u << 11, kAif1Adc2HpfL = 1u << 12, kAif1Adc2HpfVoice1 = 1u << 13;
// R1056 AIF1 DAC1 filters (1): AIF1DAC1_MUTE [9], set at reset.
constexpr uint16_t kAif1Dac1Mute = 1u << 9;
// R1537/R1538 DAC1 mixers: AIF1DAC1x_TO_DAC1x [0]. R1544/R1545: ADC2x_TO_AIF1ADC2x [1] (DMIC2).
constexpr uint16_t kAif1Dac1ToDac1 = 1u << 0, kDmic2ToAif1Adc2 = 1u << 1;

// "DC Servo": start-up mode takes typically 86 ms per channel.
constexpr uint32_t kDcServoPollUs = 1000, kDcServoTimeoutUs = 500'000;
} // namespace wm8994

struct Wm8994Config {
    int headphone_db { -6 }; // HPOUT1 PGA gain, clamped to -57..+6 dB
};

class Wm8994 {
public:
    // A codec with both paths up, or why not: Refused when nothing acknowledges on I2C,
    // NotFound when R0 does not read back the WM8994's ID after the reset, Timeout when the
    // DC servo never finishes. Reset, identify, then bring up both paths in the datasheet's
    // order. MCLK1 must already be running: SYSCLK clocks the charge pump, the DC servo and
    // the DMIC interface.
    static Result<Wm8994> create(hw::I2cBus& bus, hw::Delay& delay, const Wm8994Config& config);

    Result<uint16_t> read(uint16_t reg);
    Result<void> write(uint16_t reg, uint16_t value);
    Result<void> set_headphone_volume(int db); // unmuted, both channels latched together

private:
    Wm8994(hw::I2cBus& bus, hw::Delay& delay) : m_bus(bus), m_delay(delay) { }
    Result<void> initialize(const Wm8994Config& config);
    Result<void> start_clocks();
    Result<void> start_reference();
    Result<void> start_capture();
    Result<void> start_playback(int headphone_db);
    Result<void> run_dc_servo();

    hw::I2cBus& m_bus;
    hw::Delay& m_delay;
    uint16_t m_power1 { 0 };
};

} // namespace oh::arm::stm32
