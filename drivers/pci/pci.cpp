// PCI enumeration and BAR sizing. [PCI Local Bus 3.0 §6.2.5.1 "Address maps"]
#include "drivers/pci/pci.h"

namespace oh::pci {

void ConfigSpace::write16(Address a, uint8_t offset, uint16_t v)
{
    uint32_t word = read32(a, offset & ~3);
    int shift = (offset & 2) * 8;
    word = (word & ~(0xffffu << shift)) | (uint32_t(v) << shift);
    write32(a, offset & ~3, word);
}

namespace {

void size_bars(ConfigSpace& cfg, Device& d)
{
    uint16_t cmd = cfg.read16(d.address, uint8_t(Reg::Command));
    // No decoding while a BAR holds the all-ones probe value.
    cfg.write16(d.address, uint8_t(Reg::Command), uint16_t(cmd & ~(command::kIoSpace | command::kMemorySpace)));
    for (int i = 0; i < 6; i++) {
        uint8_t off = uint8_t(uint8_t(Reg::Bar0) + 4 * i);
        uint32_t orig = cfg.read32(d.address, off);
        cfg.write32(d.address, off, 0xffffffff);
        uint32_t probe = cfg.read32(d.address, off);
        cfg.write32(d.address, off, orig);
        Bar& bar = d.bars[i];
        if (probe == 0 || probe == 0xffffffff)
            continue;
        if (orig & 1) {
            bar.kind = Bar::Kind::Io;
            bar.base = orig & ~3u;
            bar.size = uint32_t(~(probe & ~3u) + 1) & 0xffff;
            continue;
        }
        bar.kind = Bar::Kind::Memory;
        bar.prefetchable = orig & 8;
        uint64_t mask = probe & ~0xfu;
        bar.base = orig & ~0xfu;
        if (((orig >> 1) & 3) == 2 && i < 5) { // 64-bit BAR takes the next slot too
            uint8_t hi_off = uint8_t(off + 4);
            uint32_t orig_hi = cfg.read32(d.address, hi_off);
            cfg.write32(d.address, hi_off, 0xffffffff);
            uint32_t probe_hi = cfg.read32(d.address, hi_off);
            cfg.write32(d.address, hi_off, orig_hi);
            bar.is_64bit = true;
            bar.base |= uint64_t(orig_hi) << 32;
            mask |= uint64_t(probe_hi) << 32;
            bar.size = ~mask + 1;
            i++;
        } else {
            bar.size = uint32_t(~uint32_t(mask) + 1);
        }
    }
    cfg.write16(d.address, uint8_t(Reg::Command), cmd);
}

bool read_function(ConfigSpace& cfg, Address a, Device& d)
{
    uint16_t vendor = cfg.read16(a, uint8_t(Reg::VendorId));
    if (vendor == 0xffff)
        return false;
    d = Device {};
    d.address = a;
    d.vendor = vendor;
    d.device = cfg.read16(a, uint8_t(Reg::DeviceId));
    uint32_t rc = cfg.read32(a, uint8_t(Reg::RevisionClass));
    d.revision = uint8_t(rc);
    d.prog_if = uint8_t(rc >> 8);
    d.subclass = uint8_t(rc >> 16);
    d.class_code = uint8_t(rc >> 24);
    d.interrupt_line = cfg.read8(a, uint8_t(Reg::InterruptLine));
    d.interrupt_pin = cfg.read8(a, uint8_t(Reg::InterruptPin));
    if ((cfg.read8(a, uint8_t(Reg::HeaderType)) & 0x7f) == 0)
        size_bars(cfg, d);
    return true;
}

} // namespace

size_t enumerate(ConfigSpace& cfg, Device* out, size_t max)
{
    size_t n = 0;
    for (unsigned bus = 0; bus < 256; bus++) {
        for (uint8_t dev = 0; dev < 32; dev++) {
            Address a { uint8_t(bus), dev, 0 };
            if (cfg.read16(a, uint8_t(Reg::VendorId)) == 0xffff)
                continue;
            bool multi = cfg.read8(a, uint8_t(Reg::HeaderType)) & 0x80;
            for (uint8_t fn = 0; fn < (multi ? 8 : 1); fn++) {
                Device d;
                if (read_function(cfg, { uint8_t(bus), dev, fn }, d) && n < max)
                    out[n++] = d;
            }
        }
    }
    return n;
}

void enable(ConfigSpace& cfg, const Device& dev, bool bus_master)
{
    uint16_t cmd = cfg.read16(dev.address, uint8_t(Reg::Command));
    for (const Bar& b : dev.bars) {
        if (b.kind == Bar::Kind::Io)
            cmd |= command::kIoSpace;
        if (b.kind == Bar::Kind::Memory)
            cmd |= command::kMemorySpace;
    }
    if (bus_master)
        cmd |= command::kBusMaster;
    cmd &= uint16_t(~command::kInterruptDisable);
    cfg.write16(dev.address, uint8_t(Reg::Command), cmd);
}

const Device* find(const Device* devs, size_t n, uint16_t vendor, uint16_t device)
{
    for (size_t i = 0; i < n; i++)
        if (devs[i].vendor == vendor && devs[i].device == device)
            return &devs[i];
    return nullptr;
}

} // namespace oh::pci
