// AC'97 bring-up: PCI probe, DMA memory, cold reset, codec ready, 8 kHz VRA rates, mixer.
#include "drivers/ac97/ac97.h"

#include "lib/bytes.h"

namespace oh::ac97 {

namespace {

constexpr uint32_t kBarIoSpace = 1u << 0;
constexpr uint32_t kBarIoMask = 0xfffffffcu;
constexpr uint32_t kReadyPollUs = 1000;
constexpr uint32_t kCodecReadyPolls = 1000;  // up to 1 s (ICH §5.20.9: codec ready is slow)
constexpr uint32_t kPowerReadyPolls = 500;
constexpr uint32_t kBoxResetPolls = 100;

} // namespace

// No side effects: match the ID and check that both BARs decode I/O space (ICH §11.1).
bool Ac97::probe(const PciFunction& pci)
{
    if (pci.vendor != kVendorIntel)
        return false;
    bool known = false;
    for (uint16_t id : kCompatibleDevices)
        known |= id == pci.device;
    if (!known)
        return false;
    return (pci.bar[0] & kBarIoSpace) && (pci.bar[1] & kBarIoSpace) && (pci.bar[0] & kBarIoMask)
        && (pci.bar[1] & kBarIoMask) && (pci.bar[0] & kBarIoMask) <= 0xff00u && (pci.bar[1] & kBarIoMask) <= 0xffc0u;
}

Result<Ac97> Ac97::create(const PciFunction& pci, hw::PortIo& io, hw::DmaAllocator& dma, hw::Delay& delay)
{
    if (!probe(pci))
        return Error::NotFound;
    Ac97 dev(io, delay, uint16_t(pci.bar[0] & kBarIoMask), uint16_t(pci.bar[1] & kBarIoMask));
    // One block: two descriptor lists (8-byte aligned, 256 B each) then the buffers, sized
    // for the 48 kHz fallback so set_rates() can pick either rate.
    size_t lists = 2 * bd::kEntries * bd::kSize;
    size_t data = 2 * kBuffers * kMaxBufferBytes;
    hw::DmaBuffer block = TRY(dma.allocate(lists + data, 4096, hw::kBusLimit32));
    // Checked, not trusted: the buffer descriptors hold 32-bit addresses (ICH PRM §4.2.1).
    if (!block.cpu || block.size < lists + data || (block.bus & 7) || block.bus + lists + data - 1 > hw::kBusLimit32)
        return { Error::NoMemory, "ac97 dma block" };
    uint8_t* base = block.cpu;
    Channel* channels[2] = { &dev.m_out, &dev.m_in };
    for (int i = 0; i < 2; ++i) {
        Channel& c = *channels[i];
        c.box = i == 0 ? Box::PcmOut : Box::PcmIn;
        c.bdl = { base + i * 256, block.bus + uint32_t(i) * 256, 256 };
        c.data = base + lists + size_t(i) * kBuffers * kMaxBufferBytes;
        c.data_phys = uint32_t(block.bus) + uint32_t(lists + size_t(i) * kBuffers * kMaxBufferBytes);
    }
    TRY(dev.initialize());
    return dev;
}

Result<void> Ac97::initialize()
{
    TRY(cold_reset());
    TRY(reset_codec());
    TRY(reset_box(m_out));
    TRY(reset_box(m_in));
    TRY(set_rates());
    setup_mixer();
    setup_bdl(m_out, true);
    setup_bdl(m_in, false);
    return {};
}

// ICH §11.2.8: GLOB_CNT bit 1 low holds AC_RESET# asserted; releasing it starts the codec,
// which then reports "primary codec ready" in GLOB_STA bit 8.
Result<void> Ac97::cold_reset()
{
    uint16_t cnt = uint16_t(m_nabm + uint16_t(Nabm::GlobalControl));
    m_io.out32(cnt, 0);
    m_delay.delay_us(100); // AC'97 2.3 §7.2.1: reset pulse of at least 1 µs
    m_io.out32(cnt, glob_cnt::kColdResetDeassert);
    for (uint32_t i = 0; i < kCodecReadyPolls; ++i) {
        if (m_io.in32(uint16_t(m_nabm + uint16_t(Nabm::GlobalStatus))) & glob_sta::kPrimaryReady)
            return {};
        m_delay.delay_us(kReadyPollUs);
    }
    return { Error::Timeout, "ac97 codec not ready" };
}

// AC'97 2.3 §5.7.1: any write to register 0 resets the mixer; §5.7.13: wait for the ADC,
// DAC, analogue and Vref sections to report ready.
Result<void> Ac97::reset_codec()
{
    nam_write(Nam::Reset, 0);
    for (uint32_t i = 0; i < kPowerReadyPolls; ++i) {
        uint16_t st = nam_read(Nam::PowerdownStatus);
        if (st != 0xffff && (st & powerdown::kAllReady) == powerdown::kAllReady)
            return {};
        m_delay.delay_us(kReadyPollUs);
    }
    return { Error::Timeout, "ac97 codec power-up" };
}

// ICH §11.2.7: RR resets the box's registers and clears itself.
Result<void> Ac97::reset_box(Channel& c)
{
    m_io.out8(box_port(c, BoxReg::Cr), cr::kResetRegisters);
    for (uint32_t i = 0; i < kBoxResetPolls; ++i) {
        if (!(m_io.in8(box_port(c, BoxReg::Cr)) & cr::kResetRegisters))
            return {};
        m_delay.delay_us(10);
    }
    return { Error::Timeout, "ac97 bus master reset" };
}

// AC'97 2.3 §5.8.2/§5.8.3: with VRA on, the DAC and ADC rates are programmable; a codec
// rounds unsupported rates, so read back. Without 8 kHz on both, run at 48 kHz and resample.
Result<void> Ac97::set_rates()
{
    if (nam_read(Nam::ExtendedAudioId) & extended::kVra) {
        nam_write(Nam::ExtendedAudioStatus, uint16_t(nam_read(Nam::ExtendedAudioStatus) | extended::kVra));
        nam_write(Nam::PcmFrontDacRate, uint16_t(kPhoneRate));
        nam_write(Nam::PcmLrAdcRate, uint16_t(kPhoneRate));
        if (nam_read(Nam::PcmFrontDacRate) == kPhoneRate && nam_read(Nam::PcmLrAdcRate) == kPhoneRate) {
            m_mode = RateMode::Native8k;
            return {};
        }
        nam_write(Nam::PcmFrontDacRate, uint16_t(kNativeRate));
        nam_write(Nam::PcmLrAdcRate, uint16_t(kNativeRate));
    }
    if (nam_read(Nam::PcmFrontDacRate) != kNativeRate || nam_read(Nam::PcmLrAdcRate) != kNativeRate)
        return { Error::Unsupported, "ac97 codec rate" };
    m_mode = RateMode::Resampled48k;
    m_up.reset();
    m_down.reset();
    return {};
}

void Ac97::setup_mixer()
{
    set_output_volume(0, Mute::Off);
    nam_write(Nam::PcmOutVolume, volume::stereo(volume::kPcmZeroDb, volume::kPcmZeroDb));
    nam_write(Nam::RecordSelect, kRecordSourceMic);
    set_input_gain(0, Mute::Off, false);
}

void Ac97::set_output_volume(uint8_t attenuation_steps, Mute mute)
{
    uint16_t a = attenuation_steps > volume::kMasterMaxAttenuation ? volume::kMasterMaxAttenuation : attenuation_steps;
    nam_write(Nam::MasterVolume, uint16_t(volume::stereo(a, a) | (mute == Mute::On ? volume::kMute : 0)));
}

void Ac97::set_input_gain(uint8_t gain_steps, Mute mute, bool mic_boost)
{
    uint16_t g = gain_steps > 15 ? 15 : gain_steps;
    uint16_t m = mute == Mute::On ? volume::kMute : 0;
    nam_write(Nam::RecordGain, uint16_t(volume::stereo(g, g) | m));
    // Mic volume register: 0x08 is 0 dB of the mic pre-amplifier path into the mixer.
    nam_write(Nam::MicVolume, uint16_t(0x08 | m | (mic_boost ? volume::kMicBoost20dB : 0)));
}

size_t Ac97::buffer_samples() const
{
    size_t frames = m_mode == RateMode::Native8k ? kFrameSamples : kFrameSamples * kRatio;
    return frames * 2; // the PCM boxes are always stereo
}

uint8_t* Ac97::slot(Channel& c, uint8_t entry) const
{
    return c.data + size_t(entry % kBuffers) * kMaxBufferBytes;
}

// ICH §11.1: entry i points at buffer i mod kBuffers; every buffer interrupts on completion.
// Playback sets BUP so an underrun plays silence rather than repeating the last sample.
void Ac97::setup_bdl(Channel& c, bool playback)
{
    auto* list = static_cast<uint8_t*>(c.bdl.cpu);
    uint16_t control = uint16_t(bd::kIoc | (playback ? bd::kBup : 0));
    for (uint32_t i = 0; i < bd::kEntries; ++i) {
        uint8_t* e = list + i * bd::kSize;
        store_le32(e, c.data_phys + uint32_t((i % kBuffers) * kMaxBufferBytes));
        store_le16(e + 4, uint16_t(buffer_samples()));
        store_le16(e + 6, control);
    }
    fill_bytes(c.data, 0, kBuffers * kMaxBufferBytes);
    __atomic_thread_fence(__ATOMIC_RELEASE); // the list is in memory before the device sees BDBAR
    m_io.out32(box_port(c, BoxReg::Bdbar), uint32_t(c.bdl.bus));
    m_io.out8(box_port(c, BoxReg::Cr), cr::kCompletionIrq | cr::kLastBufferIrq | cr::kFifoErrorIrq);
    c.head = c.tail = c.read = 0;
}

} // namespace oh::ac97
