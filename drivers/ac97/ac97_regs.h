// Intel ICH AC'97 controller and AC'97 2.3 codec registers, as typed offsets and bit constants.
#pragma once

#include <stdint.h>

namespace oh::ac97 {

// PCI identity (Intel 82801AA ICH datasheet §1 "AC'97 Audio Controller", device 31 function 5).
constexpr uint16_t kVendorIntel = 0x8086;
constexpr uint16_t kDevice82801AA = 0x2415; // what QEMU's "-device AC97" presents
// Later ICHs keep the same programming model (82801AB, BA, CA, DB, EB, ICH6).
constexpr uint16_t kCompatibleDevices[] = { 0x2415, 0x2425, 0x2445, 0x2485, 0x24c5, 0x24d5, 0x266e };

// Native Audio Mixer: BAR0, 16-bit codec registers (AC'97 2.3 §5.7 "Mixer registers").
// Only 16-bit accesses are defined; QEMU answers 8/32-bit ones with all ones.
enum class Nam : uint16_t {
    Reset = 0x00,              // write: register reset; read: capabilities
    MasterVolume = 0x02,       // §5.7.2
    AuxOutVolume = 0x04,       // headphone
    MonoVolume = 0x06,
    PcBeepVolume = 0x0a,
    PhoneVolume = 0x0c,
    MicVolume = 0x0e,          // §5.7.5: bit 6 = +20 dB boost
    LineInVolume = 0x10,
    PcmOutVolume = 0x18,       // §5.7.8
    RecordSelect = 0x1a,       // §5.7.9
    RecordGain = 0x1c,         // §5.7.10
    PowerdownStatus = 0x26,    // §5.7.13
    ExtendedAudioId = 0x28,    // §5.8.1
    ExtendedAudioStatus = 0x2a,// §5.8.2
    PcmFrontDacRate = 0x2c,    // §5.8.3
    PcmLrAdcRate = 0x32,
    MicAdcRate = 0x34,
    VendorId1 = 0x7c,
    VendorId2 = 0x7e,
};

// Volume registers (§5.7.2, §5.7.8): bit 15 mute; attenuation (master, 1.5 dB steps) or gain
// (PCM out, 0x08 = 0 dB, 1.5 dB steps) left in 13:8, right in 5:0.
namespace volume {
constexpr uint16_t kMute = 1u << 15;
constexpr uint16_t kMasterMaxAttenuation = 0x3f;
constexpr uint16_t kPcmZeroDb = 0x08;
constexpr uint16_t kPcmMaxAttenuation = 0x1f;
constexpr uint16_t kMicBoost20dB = 1u << 6;
constexpr uint16_t stereo(uint16_t left, uint16_t right) { return uint16_t((left << 8) | right); }
} // namespace volume

// §5.7.9 record select: source 0 = microphone, for both channels.
constexpr uint16_t kRecordSourceMic = 0x0000;

// §5.7.13 power-down control/status: ADC, DAC, analogue mixer and Vref ready.
namespace powerdown {
constexpr uint16_t kAdcReady = 1u << 0;
constexpr uint16_t kDacReady = 1u << 1;
constexpr uint16_t kAnalogReady = 1u << 2;
constexpr uint16_t kVrefReady = 1u << 3;
constexpr uint16_t kAllReady = kAdcReady | kDacReady | kAnalogReady | kVrefReady;
} // namespace powerdown

// §5.8.1/§5.8.2 variable rate audio (front DAC and L/R ADC) and variable rate mic.
namespace extended {
constexpr uint16_t kVra = 1u << 0;
constexpr uint16_t kVrm = 1u << 3;
} // namespace extended

// Native Audio Bus Master: BAR1 (ICH datasheet §11.2 "AC'97 Audio I/O registers").
// Three identical boxes of bus master registers, one per DMA engine.
enum class Box : uint16_t { PcmIn = 0x00, PcmOut = 0x10, MicIn = 0x20 };

enum class BoxReg : uint16_t {
    Bdbar = 0x00, // 32-bit buffer descriptor list base (8-byte aligned)
    Civ = 0x04,   // 8-bit current index value (read only)
    Lvi = 0x05,   // 8-bit last valid index
    Sr = 0x06,    // 16-bit status
    Picb = 0x08,  // 16-bit samples left in the current buffer
    Piv = 0x0a,   // 8-bit prefetched index value
    Cr = 0x0b,    // 8-bit control
};

constexpr uint16_t nabm(Box box, BoxReg reg) { return uint16_t(uint16_t(box) + uint16_t(reg)); }

enum class Nabm : uint16_t {
    GlobalControl = 0x2c, // 32-bit GLOB_CNT
    GlobalStatus = 0x30,  // 32-bit GLOB_STA
    CodecAccess = 0x34,   // 8-bit CAS semaphore
};

// ICH §11.2.4 x_SR status (bits 2..4 are write-one-to-clear).
namespace sr {
constexpr uint16_t kDmaHalted = 1u << 0;      // DCH
constexpr uint16_t kCurrentIsLast = 1u << 1;  // CELV
constexpr uint16_t kLastBufferDone = 1u << 2; // LVBCI
constexpr uint16_t kBufferDone = 1u << 3;     // BCIS
constexpr uint16_t kFifoError = 1u << 4;      // FIFOE
constexpr uint16_t kWriteClear = kLastBufferDone | kBufferDone | kFifoError;
} // namespace sr

// ICH §11.2.7 x_CR control.
namespace cr {
constexpr uint8_t kRun = 1u << 0;              // RPBM
constexpr uint8_t kResetRegisters = 1u << 1;   // RR, self-clearing
constexpr uint8_t kLastBufferIrq = 1u << 2;    // LVBIE
constexpr uint8_t kFifoErrorIrq = 1u << 3;     // FEIE
constexpr uint8_t kCompletionIrq = 1u << 4;    // IOCE
} // namespace cr

// ICH §11.2.8 GLOB_CNT.
namespace glob_cnt {
constexpr uint32_t kGpiIrqEnable = 1u << 0;
constexpr uint32_t kColdResetDeassert = 1u << 1; // 0 holds the AC-link in cold reset
constexpr uint32_t kWarmReset = 1u << 2;
} // namespace glob_cnt

// ICH §11.2.9 GLOB_STA.
namespace glob_sta {
constexpr uint32_t kMicInIrq = 1u << 7;    // MINT
constexpr uint32_t kPcmOutIrq = 1u << 6;   // POINT
constexpr uint32_t kPcmInIrq = 1u << 5;    // PIINT
constexpr uint32_t kPrimaryReady = 1u << 8;
} // namespace glob_sta

// ICH §11.1 buffer descriptor: 32-bit address, 16-bit length in samples (not bytes), and
// control bits IOC (interrupt on completion) and BUP (play zeros after the last buffer).
namespace bd {
constexpr uint16_t kIoc = 1u << 15;
constexpr uint16_t kBup = 1u << 14;
constexpr uint32_t kEntries = 32;   // CIV/LVI wrap modulo 32
constexpr uint32_t kSize = 8;
constexpr uint32_t kMaxSamples = 0xfffe;
} // namespace bd

static_assert(bd::kEntries * bd::kSize == 256, "a full list is 256 bytes");

} // namespace oh::ac97
