// WM8994 bring-up over I2C (16-bit register address then 16-bit value, both big-endian), in the
// datasheet's order: clocks, reference, paths, then the headphone enable sequence of Table 54.
#include "drivers/wm8994/wm8994.h"

#include "lib/bytes.h"

namespace oh::arm::stm32 {

using namespace wm8994;

Result<uint16_t> Wm8994::read(uint16_t reg)
{
    uint8_t addr[2], value[2];
    store_be16(addr, reg);
    TRY(m_bus.write_read(kI2cAddress, addr, value));
    return load_be16(value);
}

Result<void> Wm8994::write(uint16_t reg, uint16_t value)
{
    uint8_t bytes[4];
    store_be16(bytes, reg);
    store_be16(bytes + 2, value);
    return m_bus.write(kI2cAddress, bytes);
}

Result<void> Wm8994::set_headphone_volume(int db)
{
    db = db < kHpoutMinDb ? kHpoutMinDb : db > kHpoutMaxDb ? kHpoutMaxDb : db;
    uint16_t v = uint16_t(kHpoutMuteN | ((db - kHpoutMinDb) & kHpoutVolMask));
    TRY(write(kHpout1LVol, v));
    // Table 63: HPOUT1_VU loads both channels at once (no step between L and R).
    return write(kHpout1RVol, v | kHpoutVu);
}

// "Clocking and Sample Rates": AIF1CLK straight from MCLK1 (256 fs from the SAI), SYSCLK from
// AIF1CLK. 16 kHz at 256 fs is a valid DMICCLK (2.048 MHz, Table 10) and ADC/DAC rate.
Result<void> Wm8994::start_clocks()
{
    TRY(write(kAif1Rate, kAif1Sr16k | kAif1ClkRate256));
    TRY(write(kAif1Control1, kAif1AdcrSrcRight | kAif1FmtI2s | kAif1Wl16));
    TRY(write(kAif1MasterSlave, 0)); // slave: the SAI makes BCLK and LRCLK
    TRY(write(kAif1Clocking1, kAif1ClkEna));
    return write(kClocking1, kAif1DspClkEna | kSysDspClkEna);
}

// "Reference Voltages and Master Bias": soft-start and start-up bias before VMID, then the
// normal bias once VMID has settled.
Result<void> Wm8994::start_reference()
{
    TRY(write(kAntipop2, kVmidRampSoftFast | kStartupBiasEna | kBiasSrcStartup));
    m_power1 = kBiasEna | kVmidSelNormal;
    TRY(write(kPowerMgmt1, m_power1));
    m_delay.delay_us(50'000);
    return write(kAntipop2, kVmidRampSoftFast); // normal bias; the ramp stays until VMID is off
}

// "Digital Microphone Interface": the DMIC pins sit in the MICBIAS1 domain, so MICB1_ENA is
// required; DMICDAT2 reaches AIF1 only through timeslot 1 (Table 16). AIF1ADC1 is enabled as
// well, carrying silence, so that AIF1 sends the full two-slot TDM frame of Figure 59: with
// one pair disabled the datasheet leaves the remaining slot's position open ("Audio data
// formats (TDM mode)").
Result<void> Wm8994::start_capture()
{
    m_power1 |= kMicb1Ena;
    TRY(write(kPowerMgmt1, m_power1));
    TRY(write(kPowerMgmt4, kAif1Adc1LEna | kAif1Adc1REna | kAif1Adc2LEna | kAif1Adc2REna | kDmic2LEna | kDmic2REna));
    TRY(write(kAif1Adc2LMixer, kDmic2ToAif1Adc2));
    TRY(write(kAif1Adc2RMixer, kDmic2ToAif1Adc2));
    TRY(write(kAif1Adc2Filters, kAif1Adc2HpfVoice1 | kAif1Adc2HpfL | kAif1Adc2HpfR));
    TRY(write(kAif1Adc2LVol, kDigital0dB));
    return write(kAif1Adc2RVol, kDigital0dB | kDigitalVu);
}

// "DC Servo": start-up mode with the path enabled and silent; done when R88 says so.
Result<void> Wm8994::run_dc_servo()
{
    TRY(write(kDcServo1, kDcsEnaChan0 | kDcsEnaChan1 | kDcsTrigStartup0 | kDcsTrigStartup1));
    for (uint32_t waited = 0; waited < kDcServoTimeoutUs; waited += kDcServoPollUs) {
        m_delay.delay_us(kDcServoPollUs);
        if ((TRY(read(kDcServoReadback)) & kDcsStartupCompleteMask) == kDcsStartupCompleteMask)
            return {};
    }
    return ErrorInfo(Error::Timeout, "WM8994 DC servo");
}

// AIF1 DAC1 -> DAC1 -> HPOUT1 PGA, then Table 54. AIF1DAC1 stays soft-muted (its reset state)
// until the DC servo has measured, so no audio reaches the outputs during the measurement.
Result<void> Wm8994::start_playback(int headphone_db)
{
    TRY(write(kPowerMgmt5, kAif1Dac1LEna | kAif1Dac1REna | kDac1LEna | kDac1REna));
    TRY(write(kDac1LMixer, kAif1Dac1ToDac1));
    TRY(write(kDac1RMixer, kAif1Dac1ToDac1));
    TRY(write(kOutputMixer1, kDac1ToHpout1));
    TRY(write(kOutputMixer2, kDac1ToHpout1));
    TRY(write(kDac1LVol, kDigital0dB));
    TRY(write(kDac1RVol, kDigital0dB | kDigitalVu));
    TRY(set_headphone_volume(headphone_db));

    // "Charge Pump": it powers the headphone drivers and runs from SYSCLK (already on).
    uint16_t cp = TRY(read(kChargePump1));
    TRY(write(kChargePump1, cp | kCpEna));
    m_delay.delay_us(15'000);

    m_power1 |= kHpout1LEna | kHpout1REna; // step 1
    TRY(write(kPowerMgmt1, m_power1));
    m_delay.delay_us(20);                  // step 2
    TRY(write(kAnalogHp1, kHpout1LDly | kHpout1RDly)); // step 3
    TRY(run_dc_servo());                   // step 4
    TRY(write(kAnalogHp1, kHpout1LDly | kHpout1RDly | kHpout1LOutp | kHpout1ROutp | kHpout1LRmvShort |
            kHpout1RRmvShort));            // step 5
    return write(kAif1Dac1Filters1, 0);    // un-mute the AIF1 input path last
}

Result<Wm8994> Wm8994::create(hw::I2cBus& bus, hw::Delay& delay, const Wm8994Config& config)
{
    Wm8994 codec(bus, delay);
    TRY(codec.initialize(config));
    return codec;
}

Result<void> Wm8994::initialize(const Wm8994Config& config)
{
    TRY(write(kSoftwareReset, 0x0000));
    m_delay.delay_us(1000);
    if (TRY(read(kSoftwareReset)) != kChipId)
        return ErrorInfo(Error::NotFound, "WM8994 id");
    TRY(start_clocks());
    TRY(start_reference());
    TRY(start_capture());
    return start_playback(config.headphone_db);
}

} // namespace oh::arm::stm32
