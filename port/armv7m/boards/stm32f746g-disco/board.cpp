// STM32F746G-DISCO board: 216 MHz clocks, USART1 console (ST-LINK VCP), ETH + LAN8742A,
// SAI2/DMA2 + WM8994 audio, and the phone. Pin choices follow the board's schematic (UM1907).
#include "port/armv7m/board.h"

#include "lib/bytes.h"
#include "drivers/stm32_rng/stm32_rng.h"
#include "port/armv7m/app/config.h"
#include "port/armv7m/app/net_task.h"
#include "port/armv7m/app/phone.h"
#include "port/armv7m/soc/stm32f7/clock_tree.h"
#include "drivers/stm32_eth/stm32_eth.h"
#include "port/armv7m/soc/stm32f7/gpio.h"
#include "port/armv7m/soc/stm32f7/i2c.h"
#include "port/armv7m/boards/stm32f746g-disco/resample.h"
#include "drivers/stm32_sai/audio_bringup.h"
#include "drivers/stm32_sai/sai_audio.h"
#include "port/armv7m/soc/stm32f7/stm32f7_regs.h"
#include "port/armv7m/console_input.h"
#include "port/armv7m/soc/stm32f7/usart.h"
#include "drivers/wm8994/wm8994.h"
#include "port/armv7m/console.h"
#include "port/armv7m/cpu.h"
#include "port/armv7m/irq.h"
#include "port/armv7m/late.h"
#include "port/armv7m/nvic.h"
#include "port/armv7m/random.h"
#include "port/armv7m/systick.h"
#include "port/armv7m/thread.h"

#define OH_DTCM __attribute__((section(".dtcm")))

namespace oh::arm {

namespace {

using namespace stm32;

constexpr ClockPlan kClocks {};
constexpr uint32_t kConsoleBaud = 115200;
constexpr uint8_t kPhyAddress = 0;       // LAN8742A strapped to address 0 on this board
constexpr uint32_t kSaiMckDiv = 6;       // 49.14 MHz / 12 = 4.096 MHz = 256 x 16 kHz
constexpr Wm8994Config kCodec { .headphone_db = -6 };
constexpr uintptr_t kUniqueId = 0x1FF0F420; // RM0385 §41.1: 96-bit unique device ID

class BusyDelay final : public hw::Delay {
public:
    void delay_us(uint32_t us) override
    {
        // Before SysTick runs (clock bring-up) count cycles with a conservative loop.
        for (uint32_t i = 0; i < us * (kClocks.sysclk_hz() / 4'000'000); i++)
            asm volatile("" ::: "memory"); // keeps the loop; ~4 cycles per pass
    }
};

hw::DirectMmio port(Port p) { return hw::DirectMmio(kGpioBase + kGpioStride * uint32_t(p)); }

constinit hw::DirectMmio s_rcc { kRccBase };
constinit hw::DirectMmio s_pwr { kPwrBase };
constinit hw::DirectMmio s_flash { kFlashBase };
constinit hw::DirectMmio s_syscfg { kSyscfgBase };
constinit hw::DirectMmio s_usart_io { kUsart1Base };
constinit Usart s_usart { s_usart_io };
constinit hw::DirectMmio s_eth_io { kEthBase };
constinit hw::DirectMmio s_i2c_io { kI2c3Base };
constinit StmI2c s_i2c { s_i2c_io };
constinit hw::DirectMmio s_sai_io { kSai2Base };
constinit hw::DirectMmio s_dma_io { kDma2Base };
constinit hw::DirectMmio s_rng_io { kRngBase };
constinit Late<StmRng> s_rng;
constinit TimingJitter s_jitter { kUsart1Base + Usart::kIsr };
constinit BusyDelay s_delay;
constinit hw::IdentityBus s_bus;
constinit SysTickClock s_clock;

constinit EthRings s_eth_rings;               // SRAM1: ETH DMA
OH_DTCM constinit SaiBuffers s_sai_buffers;   // DTCM: hot audio buffers
constinit Late<StmEth> s_eth;
constinit Late<SaiAudio> s_sai;
constinit PortRandom s_random;
constinit Late<NetTask> s_net;
constinit Late<Phone> s_phone;
constinit volatile bool s_phone_up = false; // configured: the audio thread runs its media

constinit Thread s_net_thread;
constinit Thread s_audio_thread;
// SIP runs in the network thread: registration with digest auth and a call through Kamailio
// peaked at 5956 bytes with the media session there too on mps2-an500 (same code, compiler
// and sizing; its report prints the painted high-water marks). 7 KiB keeps the ~210 B an
// interrupt and a PendSV switch push onto a thread's stack (extended FP frame, r4-r11,
// s16-s31) and ~1 KiB for paths the test did not take (a re-INVITE, an authenticated INVITE).
OH_DTCM alignas(8) constinit uint32_t s_net_stack[1792];
// Audio: the media session runs here (a call through Kamailio peaked at 1904 bytes in mps2's
// audio thread, same code and sizing), and the codec side's resampling (on_tx_half ->
// Interpolator::process, ~840 B by -fstack-usage, not nested in the media step); 3 KiB
// keeps ~1 KiB for the exception and switch frames and paths the test did not take.
OH_DTCM alignas(8) constinit uint32_t s_audio_stack[768];

// Set by the DMA interrupts (which half the CPU may touch), taken by the audio thread.
constinit Event s_audio_event;
constinit volatile uint8_t s_rx_ready = 0xff;
constinit volatile uint8_t s_tx_ready = 0xff;

// The codec side of the phone, the phone core's AudioDevice: 20 ms frames between the SAI's
// DMA halves (resampled) and the media session, both in the audio thread. wait_frame()
// returns when a capture half came in (the capture clock paces the media path); a captured
// frame is taken right after its half, and a played one goes out with the next transmit
// half. Blocks A and B run from one clock, so the playback queue stays within one frame of
// slack: two slots each way.
class CodecAudio final : public phone::AudioDevice {
public:
    static constexpr size_t kSlots = 2;
    using Frame = int16_t[media::kFrameSamples];

    const char* name() const override { return "WM8994 via SAI2 (16 kHz, 8 kHz to the phone)"; }
    bool playback_live() const override { return true; }
    bool capture_live() const override { return true; }
    int wait_frame() override
    {
        for (;;) {
            s_audio_event.wait_until(kForever);
            uint8_t rx, tx;
            {
                IrqGuard guard;
                rx = s_rx_ready;
                tx = s_tx_ready;
                s_rx_ready = 0xff;
                s_tx_ready = 0xff;
            }
            if (tx != 0xff)
                on_tx_half(s_sai->tx_half(Half(tx)));
            if (rx != 0xff) {
                on_rx_half(s_sai->rx_half(Half(rx)));
                m_frames++;
                return 1;
            }
        }
    }
    bool read_frame(std::span<int16_t, phone::kAudioFrame> out) override
    {
        IrqGuard guard;
        if (m_cap_count == 0) {
            for (auto& s : out)
                s = 0;
            return false;
        }
        copy_bytes(out.data(), m_cap[m_cap_head], sizeof(Frame));
        m_cap_head = (m_cap_head + 1) % kSlots;
        m_cap_count--;
        return true;
    }
    void write_frame(std::span<const int16_t, phone::kAudioFrame> in) override
    {
        IrqGuard guard;
        if (m_play_count == kSlots)
            return; // the speaker side is behind: drop the newest, the PLC-free choice
        copy_bytes(m_play[(m_play_head + m_play_count) % kSlots], in.data(), sizeof(Frame));
        m_play_count++;
    }
    phone::AudioCounters counters() const override
    {
        phone::AudioCounters c;
        c.frames = m_frames;
        c.underruns = m_underruns;
        c.overruns = m_overruns;
        c.queued_frames = uint32_t(m_play_count);
        c.played_frames = m_played;
        return c;
    }

private:
    // One 16 kHz stereo half came in, one is to be filled.
    void on_rx_half(std::span<const int16_t> half)
    {
        Frame f;
        m_decimator.process(half, f);
        IrqGuard guard;
        size_t slot = (m_cap_head + m_cap_count) % kSlots;
        if (m_cap_count == kSlots) {
            m_cap_head = (m_cap_head + 1) % kSlots; // overwrite the oldest
            m_overruns++;
        } else {
            m_cap_count++;
        }
        copy_bytes(m_cap[slot], f, sizeof(Frame));
    }
    void on_tx_half(std::span<int16_t> half)
    {
        Frame f {};
        {
            IrqGuard guard;
            if (m_play_count) {
                copy_bytes(f, m_play[m_play_head], sizeof(Frame));
                m_play_head = (m_play_head + 1) % kSlots;
                m_play_count--;
                m_played++;
            } else {
                m_underruns++; // silence goes out
            }
        }
        m_interpolator.process(f, half);
    }

    Decimator m_decimator;
    Interpolator m_interpolator;
    Frame m_cap[kSlots] {};
    Frame m_play[kSlots] {};
    size_t m_cap_head { 0 }, m_cap_count { 0 }, m_play_head { 0 }, m_play_count { 0 };
    uint32_t m_frames { 0 }, m_played { 0 }, m_underruns { 0 }, m_overruns { 0 };
};
constinit Late<CodecAudio> s_codec;

void dma_tx_irq(void*)
{
    if (Half h = SaiAudio::half_of(s_sai->handle_tx_irq()); h != Half::None) {
        s_tx_ready = uint8_t(h);
        s_audio_event.signal();
    }
}

void dma_rx_irq(void*)
{
    if (Half h = SaiAudio::half_of(s_sai->handle_rx_irq()); h != Half::None) {
        s_rx_ready = uint8_t(h);
        s_audio_event.signal();
    }
}

// The console's receive side: a character per interrupt (the USART has no FIFO on the F7).
void usart_irq(void*)
{
    s_usart.take_overrun(); // a character lost while interrupts were masked
    for (int c; (c = s_usart.get()) >= 0;)
        console_rx(char(c));
}

void eth_irq(void*)
{
    if (s_eth->handle_irq().has(hw::IrqEvent::RxReady))
        s_net->notify_rx();
}

void audio_thread(void*)
{
    for (;;) {
        s_codec->wait_frame();
        if (s_phone_up)
            s_phone->on_audio_frame();
    }
}

void configure_pins()
{
    auto af = [](Port p, std::initializer_list<uint8_t> pins, uint8_t function, PinType type = PinType::PushPull,
                  PinPull pull = PinPull::None) {
        hw::DirectMmio io = port(p);
        for (uint8_t pin : pins)
            configure_pin(io, { pin, PinMode::Alternate, function, type, PinSpeed::VeryHigh, pull });
    };
    af(Port::A, { 1, 2, 7 }, 11);          // ETH REF_CLK, MDIO, CRS_DV
    af(Port::C, { 1, 4, 5 }, 11);          // ETH MDC, RXD0, RXD1
    af(Port::G, { 11, 13, 14 }, 11);       // ETH TX_EN, TXD0, TXD1
    af(Port::I, { 4, 5, 6, 7 }, 10);       // SAI2 MCLK_A, SCK_A, SD_A, FS_A
    af(Port::G, { 10 }, 10);               // SAI2 SD_B
    af(Port::H, { 7, 8 }, 4, PinType::OpenDrain, PinPull::Up); // I2C3 SCL, SDA
}

net::MacAddress board_mac()
{
    // Locally administered, unicast, derived from the chip's unique ID: stable per board.
    const volatile uint32_t* uid = reinterpret_cast<const volatile uint32_t*>(kUniqueId);
    uint32_t h = uid[0] * 2654435761u ^ uid[1] * 40503u ^ uid[2];
    return { { 0x02, 0x4f, uint8_t(h >> 24), uint8_t(h >> 16), uint8_t(h >> 8), uint8_t(h) } };
}

// The key: 32 bytes from the RNG (RM0385 §19), the chip's unique ID and the MAC (unique,
// not secret), then SysTick jitter; reseeds come from the RNG, or from jitter if it failed.
// The bring-up steps below are out of line so that their Result<T> temporaries are gone
// before start() goes deeper (net, phone): the boot stack is 1 KiB (stm32f746g-disco.ld).
[[gnu::noinline]] StmEth* start_eth()
{
    auto created = StmEth::create(s_eth_io, s_delay, s_bus, s_eth_rings, board_mac(), kPhyAddress);
    if (created.is_error()) {
        kprint("eth: not usable (%s)\n", created.error_info().text());
        return nullptr;
    }
    return &s_eth.emplace(std::move(created.value()));
}

[[gnu::noinline]] PortRandom& seed_random(const net::MacAddress& mac)
{
    auto created = StmRng::create(s_rng_io);
    StmRng* rng = created.is_error() ? nullptr : &s_rng.emplace(std::move(created.value()));
    uint8_t material[32 + 12 + 6];
    size_t from_rng = rng ? rng->gather({ material, 32 }) : 0;
    const volatile uint8_t* uid = reinterpret_cast<const volatile uint8_t*>(kUniqueId);
    for (size_t i = 0; i < 12; i++)
        material[32 + i] = uid[i];
    copy_bytes(material + 44, mac.bytes, 6);
    bool rng_ok = from_rng == 32;
    if (!rng_ok)
        fill_bytes(material + from_rng, 0, 32 - from_rng);
    s_random.seed(material, s_jitter, rng_ok ? static_cast<crypto::EntropySource*>(rng) : &s_jitter);
    crypto::wipe(material, sizeof(material));
    if (rng_ok)
        kprint("random: ChaCha20 DRBG seeded from the RNG\n");
    else if (!rng)
        kprint("random: RNG not usable (%s): seeded from timing only\n", created.error_info().text());
    else
        kprint("random: RNG gave %u of 32 bytes (seed errors %lu, clock errors %lu): seeded from timing only\n",
            unsigned(from_rng), (unsigned long)rng->seed_errors(), (unsigned long)rng->clock_errors());
    return s_random;
}

[[gnu::noinline]] void start_audio()
{
    s_i2c.initialize();
    auto created = SaiAudio::create(s_sai_io, s_dma_io, s_bus, uint32_t(kSai2Base), s_sai_buffers, kSaiMckDiv);
    if (created.is_error()) {
        kprint("audio: SAI2/DMA2 not usable (%s)\n", created.error_info().text());
        return;
    }
    auto& sai = s_sai.emplace(std::move(created.value()));
    // The handlers and the audio thread are ready before the DMA runs; the SAI starts first
    // (its MCLK clocks the codec) and plays silence while the WM8994 comes up.
    irq_register(kIrqDma2Stream4, dma_tx_irq, nullptr);
    irq_register(kIrqDma2Stream7, dma_rx_irq, nullptr);
    nvic_set_priority(kIrqDma2Stream4, IrqPriority::AudioDma);
    nvic_set_priority(kIrqDma2Stream7, IrqPriority::AudioDma);
    nvic_enable(kIrqDma2Stream4);
    nvic_enable(kIrqDma2Stream7);
    thread_start(s_audio_thread, { "audio", audio_thread, nullptr, s_audio_stack, SchedClass::Realtime, 31 });
    if (auto codec = bring_up_audio(sai, s_i2c, s_delay, kCodec); codec.is_error()) {
        kprint("audio: WM8994 not usable (%s), SAI stopped\n", codec.error_info().text());
        return;
    }
    kprint("audio: WM8994 headphones (%d dB) + DMIC2 at 16 kHz (8 kHz to the phone), SAI2/DMA2 running\n",
        kCodec.headphone_db);
}

} // namespace

namespace board {

void early_init()
{
    ClockTree clocks(s_rcc, s_pwr, s_flash);
    bool clocks_ok = !clocks.configure(kClocks).is_error();
    // RM0385 §7.2.2: RMII must be selected while the MAC is in reset, before its clocks run.
    s_rcc.modify32(rcc::kApb2Enr, 0, rcc::kApb2SyscfgEn);
    s_syscfg.modify32(kSyscfgPmc, 0, kSyscfgRmii);
    clocks.enable_peripherals();
    hw::DirectMmio pa = port(Port::A), pb = port(Port::B);
    configure_pin(pa, { 9, PinMode::Alternate, 7 });  // USART1_TX
    configure_pin(pb, { 7, PinMode::Alternate, 7 });  // USART1_RX
    s_usart.initialize(clocks_ok ? kClocks.apb2_hz() : 16'000'000, kConsoleBaud);
    if (!clocks_ok)
        kprint("clock: PLL/over-drive bring-up failed, running from HSI\n");
}

void console_putc(char c) { s_usart.put(c); }
uint32_t cpu_hz() { return kClocks.sysclk_hz(); }
const char* name() { return "stm32f746g-disco"; }

void start()
{
    kprint("\nOffhook ARMv7-M on %s (Cortex-M7, %lu MHz)\n", name(), (unsigned long)(cpu_hz() / 1000000));
    BoardConfig config = load_config();
    configure_pins();
    auto& codec = s_codec.emplace();

    StmEth* created = start_eth();
    if (!created)
        return;
    auto& eth = *created;
    kprint("eth: LAN8742A link %s, %u Mbit/s %s duplex\n", eth.link().up ? "up" : "down",
        eth.link().mbps, eth.link().full_duplex ? "full" : "half");
    auto& random = seed_random(eth.mac());
    auto& net = s_net.emplace(eth, s_clock, random);
    net.start(config);
    auto& phone = s_phone.emplace(net.stack(), s_clock, random, codec);
    if (phone.configure(config.cmdline)) {
        net.set_phone(&phone);
        s_phone_up = true;
    }
    irq_register(kIrqEth, eth_irq, nullptr);
    nvic_set_priority(kIrqEth, IrqPriority::Network);
    nvic_enable(kIrqEth);
    irq_register(kIrqUsart1, usart_irq, nullptr);
    nvic_set_priority(kIrqUsart1, IrqPriority::Console);
    s_usart.enable_rx_irq();
    nvic_enable(kIrqUsart1);
    thread_start(s_net_thread, { "net", NetTask::entry, &net, s_net_stack, SchedClass::Normal, 0 });
    start_audio();
}

} // namespace board

} // namespace oh::arm
