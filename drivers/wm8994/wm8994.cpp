// WM8994 bring-up over I2C: 16-bit register address then 16-bit value, both big-endian.
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

Result<void> Wm8994::set_headphone_volume(uint8_t volume)
{
    uint16_t v = uint16_t(volume > 63 ? 63 : volume);
    TRY(write(kHpout1LVol, v));
    // The update bit latches both channels together (no zipper between L and R).
    return write(kHpout1RVol, v | kVolumeUpdate);
}

// Datasheet "Headphone signal paths enable": charge pump first, then the output stages in
// the intermediate -> output -> remove-short order, or the headphones click.
Result<void> Wm8994::power_up_headphones(uint8_t volume)
{
    TRY(write(kOutputMixer1, 0x0100)); // DAC1L_TO_HPOUT1L
    TRY(write(kOutputMixer2, 0x0100)); // DAC1R_TO_HPOUT1R
    TRY(write(kChargePump1, 0x9F25));  // CP_ENA
    m_delay.delay_us(15000);
    TRY(write(kPowerMgmt1, 0x0303));   // HPOUT1L/R_ENA, VMID_SEL normal, BIAS_ENA
    TRY(write(kAnalogHp1, 0x0022));    // HPOUT1x_DLY: intermediate stage
    TRY(write(kAnalogHp1, 0x00EE));    // + output stage + remove short
    TRY(write(kDac1LVol, 0x00C0));     // 0 dB, unmuted
    TRY(write(kDac1RVol, 0x00C0 | kVolumeUpdate));
    TRY(write(kAif1Dac1Filters1, 0x0000)); // AIF1DAC1_MUTE off
    return set_headphone_volume(volume);
}

Result<void> Wm8994::initialize(uint8_t headphone_volume)
{
    TRY(write(kSoftwareReset, 0x0000));
    m_delay.delay_us(1000);
    if (TRY(read(kSoftwareReset)) != kChipId)
        return ErrorInfo(Error::NotFound, "WM8994 id");
    TRY(write(kAntipop2, 0x006C));   // VMID soft start, bias from the start-up bias
    TRY(write(kPowerMgmt1, 0x0003)); // VMID_SEL = 2 x 50k, BIAS_ENA
    m_delay.delay_us(50000);         // VMID settles before any output is enabled

    // Playback: AIF1 DAC1 -> DAC1 L/R.
    TRY(write(kPowerMgmt5, 0x0303)); // AIF1DAC1L/R_ENA, DAC1L/R_ENA
    TRY(write(kDac1LMixer, 0x0001)); // AIF1DAC1L_TO_DAC1L
    TRY(write(kDac1RMixer, 0x0001));
    // Capture: DMIC2 (the board's two MEMS microphones) -> AIF1 ADC2 L/R.
    TRY(write(kPowerMgmt4, 0x0C30)); // AIF1ADC2L/R_ENA, DMIC2L/R_ENA
    TRY(write(kAif1Adc2LMixer, 0x0002)); // ADC1L_TO_AIF1ADC2L (DMIC path)
    TRY(write(kAif1Adc2RMixer, 0x0002));
    TRY(write(kAif1Adc2Filters, 0x1800)); // high-pass (voice) on both channels
    TRY(write(kAif1Adc2LVol, 0x00C0));
    TRY(write(kAif1Adc2RVol, 0x00C0 | kVolumeUpdate));

    // Clocks: AIF1CLK from MCLK1 (4.096 MHz from the SAI), 16 kHz at 256 fs, I2S 16-bit, slave.
    TRY(write(kAif1Rate, kRate16kHz256fs));
    TRY(write(kAif1Control1, 0x4010));   // AIF1ADCR_SRC right, AIF1_FMT I2S, 16-bit words
    TRY(write(kAif1MasterSlave, 0x0000));
    TRY(write(kClocking1, 0x000A));      // AIF1DSPCLK_ENA, SYSDSPCLK_ENA
    TRY(write(kAif1Clocking1, 0x0001));  // AIF1CLK_ENA
    return power_up_headphones(headphone_volume);
}

} // namespace oh::arm::stm32
