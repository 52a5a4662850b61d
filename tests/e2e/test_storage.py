#!/usr/bin/env python3
"""Storage end to end in QEMU (PIIX IDE disk, block cache, FAT32, /offhook.cfg, recorder):

- config: an mtools-made FAT32 image holds /offhook.cfg; its keys reach the kernel's command
  line (`config KEY` prints the effective value) and the boot command line overrides them;
- persist: `storage.selftest=write` writes a small file, a 100000-byte multi-cluster file and
  a long-named file, syncs; a second boot on the same image (`verify`) reads them back
  byte-exact and appends a line; the host (mtype/mcopy) reads back what the kernel wrote;
- dma: QEMU's IDE trace (the device's log of each command and bus-master step) shows the
  sectors of the files written, then read back and verified, moved by DMA WRITE and DMA READ,
  and no PIO data command (ATA/ATAPI-6 §8) on the disk; the driver's `df` counters agree;
- fsck: `fsck.fat -n` finds the image clean after every run;
- record: `storage.fakecall=1000:3` feeds 1 kHz as heard and 440 Hz as sent through the
  recorder hooks; the WAV copied out with mcopy holds 3 s of both, mixed (mono, the default:
  the peak is their sum) or one per channel (`record stereo`: heard left, sent right);
- real_call (bonus, needs the network lab): baresip calls the phone through Kamailio; the
  disk's /offhook.cfg turns stereo recording on; the WAV holds 1 kHz heard and 440 Hz sent;
- mbr: the same over an MBR-partitioned image, plus a 2 MiB `fill` (write + sync rates
  printed as INFO) read back by the host; no_disk / garbage_disk: the kernel boots on;
- io errors: QEMU blkdebug fails every write (the sync reports io-error) or every read (the
  disk does not mount): the kernel reports it and boots on.
A missing host tool is a FAIL naming the package to install (tools/deps.sh installs them all);
the real call alone is skipped when not root, with that reason.
Prints PASS/FAIL/SKIP storage/<name> lines; always exits 0.
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import hosttools  # noqa: E402
import qemu  # noqa: E402
from peers import audio  # noqa: E402

# What the storage tier runs on the host (the package of each: tools/hosttools.py).
TOOLS = ("mformat", "mcopy", "mdir", "mshowfat", "fsck.fat", "dd", "qemu-system-x86_64")
# The real call adds the network lab and its peers.
CALL_TOOLS = ("ip", "dnsmasq", "kamailio", "baresip")

MKDISK = os.path.join(qemu.ROOT, "tools", "mkdisk.sh")
SMALL = b"hello from offhook storage\n"
LINE1 = b"line 1 written at first boot\n"
LINE2 = b"line 2 appended after a reboot\n"
CONFIG = b"""# offhook.cfg written by test_storage.py
phone.record=1
storage.marker=blue  storage.override=file
net=192.0.2.77/24   # a comment after a word
"""


def result(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} storage/{name}{'' if ok else ': ' + detail}", flush=True)


def big_pattern(n=100000):
    return bytes(((i * 31) + (i >> 9)) & 0xFF for i in range(n))


def boot(cmdline, img=None, timeout=120, trace=None):
    extra = ["-boot", "d", "-nic", "none"]  # the disk must not be tried as a boot device
    if img:
        extra += ["-drive", f"file={img},format=raw,if=ide,bus=0,unit=0"]
    if trace:
        # QEMU's IDE model logs each command it executes and each bus-master DMA step: what
        # the device did, not what the driver says it did (see ide_trace).
        extra += ["-trace", "ide_exec_cmd", "-trace", "ide_dma_cb", "-D", trace]
    code, out, secs = qemu.boot("exit=1 " + cmdline, smp=2, timeout=timeout, extra=extra)
    return code, out.replace("\r", "")


def fsck(img, name):
    r = subprocess.run(["fsck.fat", "-n", img], capture_output=True, text=True)
    dirty = r.returncode != 0 or re.search(r"(?i)(differ|lost|mismatch|dirty|free cluster summary wrong)", r.stdout)
    result(f"fsck_{name}", not dirty, (r.stdout + r.stderr)[-400:])


def mread(target, path):
    r = subprocess.run(["mcopy", "-n", "-i", target, "::" + path, "-"], capture_output=True)
    return r.stdout if r.returncode == 0 else None


# ATA/ATAPI-6 §8 command codes: the PIO data transfers the driver must not use when the
# controller can bus-master (READ/WRITE SECTORS (EXT), READ/WRITE MULTIPLE (EXT)), and the DMA
# ones it must (READ/WRITE DMA (EXT)).
PIO_DATA_COMMANDS = {0x20: "READ SECTORS", 0x24: "READ SECTORS EXT", 0x30: "WRITE SECTORS",
                     0x34: "WRITE SECTORS EXT", 0xc4: "READ MULTIPLE", 0x29: "READ MULTIPLE EXT",
                     0xc5: "WRITE MULTIPLE", 0x39: "WRITE MULTIPLE EXT"}
DMA_DATA_COMMANDS = {0xc8, 0x25, 0xca, 0x35}
IDENTIFY_DEVICE, PACKET = 0xec, 0xa0


def ide_trace(path):
    """QEMU's IDE trace for the hard disk: (its commands, sectors moved by DMA READ, sectors
    moved by DMA WRITE). The disk is the device that took IDENTIFY DEVICE and never a PACKET
    command (the CD-ROM takes PACKETs); ide_dma_cb logs each bus-master step as `sector_num`
    and the `n` sectors it moves through the PRD table."""
    cmds, steps = {}, []
    with open(path, errors="replace") as f:
        for line in f:
            m = re.search(r"ide_exec_cmd .*state (0x[0-9a-f]+); cmd (0x[0-9a-f]+)", line)
            if m:
                cmds.setdefault(m.group(1), []).append(int(m.group(2), 16))
                continue
            m = re.search(r"ide_dma_cb IDEState (0x[0-9a-f]+); sector_num=(\d+) n=(\d+) cmd=DMA (READ|WRITE)", line)
            if m:
                steps.append((m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)))
    disks = [st for st, c in cmds.items() if IDENTIFY_DEVICE in c and PACKET not in c]
    commands = [c for st in disks for c in cmds[st]]
    moved = {"READ": set(), "WRITE": set()}
    for st, first, n, way in steps:
        if st in disks:
            moved[way].update(range(first, first + n))
    return commands, moved["READ"], moved["WRITE"]


def file_sectors(img, path):
    """The disk sectors holding `path` on a superfloppy FAT32 image: its clusters
    (mshowfat) mapped through the BPB (Microsoft FAT spec §3.1: reserved sectors, FAT count
    and size, sectors per cluster)."""
    with open(img, "rb") as f:
        bpb = f.read(512)
    per_cluster = bpb[13]
    data_start = int.from_bytes(bpb[14:16], "little") + bpb[16] * int.from_bytes(bpb[36:40], "little")
    out = subprocess.run(["mshowfat", "-i", img, "::" + path], capture_output=True, text=True).stdout
    sectors = set()
    for a, b in re.findall(r"<(\d+)(?:-(\d+))?>", out):
        for c in range(int(a), int(b or a) + 1):
            first = data_start + (c - 2) * per_cluster
            sectors.update(range(first, first + per_cluster))
    return sectors


def check_dma(name, trace, img, files, way, out):
    """The files' sectors went through the bus master (`way`: READ = disk to memory), and
    the disk took no PIO data command: from QEMU's trace of the device."""
    commands, read, written = ide_trace(trace)
    moved = read if way == "READ" else written
    pio = sorted({PIO_DATA_COMMANDS[c] for c in commands if c in PIO_DATA_COMMANDS})
    dma = sum(1 for c in commands if c in DMA_DATA_COMMANDS)
    want = set().union(*(file_sectors(img, f) for f in files))
    missing = want - moved
    result(name, not pio and dma > 0 and want and not missing,
           f"{dma} DMA commands, PIO data commands {pio}, {len(want)} file sectors of which "
           f"{len(missing)} not moved by DMA {way}")
    # The driver's own counters (df) agree: transfers through the bus master, no PIO sectors.
    m = re.search(r"ata: dma (\d+) transfers (\d+) bytes, pio (\d+) sectors", out)
    result(name + "_counted", m is not None and int(m.group(1)) > 0 and int(m.group(3)) == 0
           and int(m.group(1)) <= dma, f"{m.group(0) if m else 'no ata counters in df'}; QEMU saw {dma} DMA commands")
    return not missing


def brief(out):
    return repr(out[-600:])


def test_config_and_persist(tmp):
    cfg = os.path.join(tmp, "offhook.cfg")
    with open(cfg, "wb") as f:
        f.write(CONFIG)
    img = os.path.join(tmp, "disk.img")
    subprocess.run([MKDISK, img, "64", f"{cfg}=/offhook.cfg"], check=True)

    trace = os.path.join(tmp, "ide-write.trace")
    code, out = boot("storage.override=boot storage.selftest=write "
                     "storage.do=config:storage.marker,config:storage.override,config:net,write:/SHELL.TXT:hi:there,"
                     "sync,df", img, trace=trace)
    m = re.search(r"storage: config sets (\d+) keys", out)
    result("config_read", m is not None and int(m.group(1)) == 4, m.group(0) if m else brief(out))
    ok = "config: storage.marker=blue" in out and "config: net=192.0.2.77/24" in out
    result("config_applied", ok, brief(out))
    result("config_boot_line_wins", "config: storage.override=boot" in out, brief(out))
    fails = re.findall(r"selftest: \S+ FAILED.*", out)
    synced = re.search(r"sync: ok, (\d+) blocks written in (\d+) us \((\d+) KiB/s\)", out)
    result("write_run", code == 0 and not fails and out.count("selftest:") == 4 and synced is not None,
           f"exit {code}; {fails} {brief(out)}")
    if synced:
        print(f"INFO storage/sync_after_selftest: {synced.group(0)}", flush=True)
    fsck(img, "after_write")
    host_small = mread(img, "/SELFTEST/SMALL.TXT")
    host_big = mread(img, "/SELFTEST/BIG.BIN")
    host_long = mread(img, "/SELFTEST/Append log.txt")
    host_shell = mread(img, "/SHELL.TXT")
    result("host_reads_kernel_files",
           host_small == SMALL and host_big == big_pattern() and host_long == LINE1 and host_shell == b"hi there\n",
           f"small {host_small!r}, big {len(host_big or b'')} bytes "
           f"{'ok' if host_big == big_pattern() else 'differs'}, long {host_long!r}, shell {host_shell!r}")
    # The bytes the host just read back reached the disk through the bus master.
    check_dma("dma_writes", trace, img, ["/SELFTEST/SMALL.TXT", "/SELFTEST/BIG.BIN", "/SHELL.TXT"], "WRITE", out)

    trace = os.path.join(tmp, "ide-verify.trace")
    code, out = boot("storage.selftest=verify storage.do=cat:/SHELL.TXT,df", img, trace=trace)
    verify = re.findall(r"selftest: verify-\S+ (ok|FAILED.*)", out)
    result("reboot_reads_back", code == 0 and verify == ["ok", "ok", "ok"], f"exit {code}; {verify} {brief(out)}")
    # What the kernel verified byte-exact came off the disk through the bus master.
    check_dma("dma_reads", trace, img, ["/SELFTEST/SMALL.TXT", "/SELFTEST/BIG.BIN", "/SHELL.TXT"], "READ", out)
    result("reboot_cat", "hi there\n" in out, brief(out))
    fsck(img, "after_verify")
    host_long = mread(img, "/SELFTEST/Append log.txt")
    result("append_after_reboot", host_long == LINE1 + LINE2, repr(host_long))
    return img


def mono_wav(path, samples):
    with wave.open(path, "wb") as o:
        o.setnchannels(1)
        o.setsampwidth(2)
        o.setframerate(8000)
        o.writeframes(samples)
    return path


def tone_seconds(path, freq, min_ratio):
    p = audio.tone_presence(audio.load(path), freq, tolerance=2, min_ratio=min_ratio)
    longest = p["longest"][1] if p["longest"] and p["within_tolerance"] else 0
    return longest, p["frequency"]


def peak(samples):
    return max(abs(int.from_bytes(samples[i:i + 2], "little", signed=True)) for i in range(0, len(samples), 2))


def check_wav(path, channels):
    """The fake call: heard = 1 kHz at -10 dBm0 (peak 7218), sent = 440 Hz at -19 dBm0 (peak
    2561). Mono must be their sum (1 kHz dominant, 440 Hz present, peak near 9779); stereo
    must carry each alone on its channel (left heard, right sent)."""
    with wave.open(path) as w:
        if w.getframerate() != 8000 or w.getsampwidth() != 2 or w.getnchannels() != channels:
            return False, f"format {w.getframerate()} Hz x{w.getnchannels()} {w.getsampwidth() * 8} bit"
        frames = w.readframes(w.getnframes())
    base = os.path.splitext(path)[0]
    if channels == 2:
        left = b"".join(frames[i:i + 2] for i in range(0, len(frames), 4))
        right = b"".join(frames[i + 2:i + 4] for i in range(0, len(frames), 4))
        l_s, l_f = tone_seconds(mono_wav(base + "_l.wav", left), 1000, 0.5)
        r_s, r_f = tone_seconds(mono_wav(base + "_r.wav", right), 440, 0.5)
        ok = l_s >= 2.9 and r_s >= 2.9 and 7000 <= peak(left) <= 7300 and 2400 <= peak(right) <= 2700
        return ok, f"left 1 kHz {l_s} s ({l_f} Hz) peak {peak(left)}, right 440 Hz {r_s} s ({r_f} Hz) peak {peak(right)}"
    k_s, k_f = tone_seconds(path, 1000, 0.5)
    a_s, a_f = tone_seconds(path, 440, 0.05)
    ok = k_s >= 2.9 and a_s >= 2.9 and 9000 <= peak(frames) <= 10000
    return ok, f"1 kHz {k_s} s ({k_f} Hz), 440 Hz {a_s} s ({a_f} Hz), peak {peak(frames)}"


def test_record(tmp, img):
    code, out = boot("storage.fakecall=1000:3 storage.do=recordings", img)
    m = re.search(r"recorder: closed (/REC/CALL\d{4}\.WAV), (\d+\.\d+) s, \d+ data bytes, (\d+) frames dropped", out)
    result("record_mono_closed", code == 0 and m is not None and m.group(2) == "3.00" and m.group(3) == "0",
           brief(out))
    fsck(img, "after_record")
    if m:
        wav = os.path.join(tmp, "mono.wav")
        data = mread(img, m.group(1))
        if data is None:
            result("record_mono_tone", False, f"mcopy could not read {m.group(1)}")
        else:
            open(wav, "wb").write(data)
            result("record_mono_tone", *check_wav(wav, 1))
    result("recordings_listed", re.search(r"CALL\d{4}\.WAV 48044 bytes 3\.000 s mono", out) is not None, brief(out))

    # The boot line turns recording off over the file's phone.record=1; the shell turns it
    # back on in stereo: only the second fake call is recorded.
    code, out = boot("phone.record=0 storage.do=fakecall:1000:1,record:stereo,fakecall:1000:3", img)
    m = re.search(r"recorder: closed (/REC/CALL\d{4}\.WAV), (\d+\.\d+) s", out)
    result("record_off_then_stereo", code == 0 and m is not None and m.group(2) == "3.00"
           and out.count("recorder: closed") == 1 and "recording to /REC/CALL0002.WAV (stereo)" in out, brief(out))
    today = time.strftime("%Y-%m-%d", time.gmtime())
    listing = subprocess.run(["mdir", "-i", img, "::/REC"], capture_output=True, text=True).stdout
    stamped = re.search(r"CALL0002 WAV\s+\d+ (\d{4}-\d{2}-\d{2})", listing)
    result("recording_rtc_date", stamped is not None and stamped.group(1) == today, f"{listing!r}, today {today}")
    fsck(img, "after_stereo")
    if m:
        wav = os.path.join(tmp, "stereo.wav")
        data = mread(img, m.group(1))
        if data is None:
            result("record_stereo_tone", False, f"mcopy could not read {m.group(1)}")
        else:
            open(wav, "wb").write(data)
            result("record_stereo_tone", *check_wav(wav, 2))


def test_mbr(tmp):
    cfg = os.path.join(tmp, "mbr.cfg")
    with open(cfg, "wb") as f:
        f.write(b"storage.marker=partitioned\n")
    img = os.path.join(tmp, "mbr.img")
    subprocess.run([MKDISK, img, "48", "--mbr", f"{cfg}=/offhook.cfg"], check=True)
    code, out = boot("storage.do=config:storage.marker,write:/MBR.TXT:inside:the:partition,sync,"
                     "fill:/FILL.BIN:2048", img)
    ok = "storage: FAT32 partition at sector 2048" in out and "config: storage.marker=partitioned" in out
    result("mbr_mount_config", code == 0 and ok, brief(out))
    result("mbr_host_reads", mread(img + "@@1M", "/MBR.TXT") == b"inside the partition\n",
           repr(mread(img + "@@1M", "/MBR.TXT")))
    m = re.search(r"fill: (\d+) KiB written in (\d+) us \((\d+) KiB/s\), sync ok in (\d+) us; total (\d+) KiB/s", out)
    if m:
        print(f"INFO storage/throughput: {m.group(0)}", flush=True)
    pattern = bytes((i * 7) & 0xFF for i in range(4096)) * 512
    result("mbr_fill_2mib", m is not None and mread(img + "@@1M", "/FILL.BIN") == pattern, brief(out))
    part = os.path.join(tmp, "part.img")
    subprocess.run(["dd", f"if={img}", f"of={part}", "bs=1M", "skip=1", "status=none"], check=True)
    fsck(part, "mbr")


def split_stereo(path, tmp):
    """The two channels of a stereo WAV as two mono WAV paths (left = heard, right = sent)."""
    with wave.open(path) as w:
        frames = w.readframes(w.getnframes())
    outs = []
    for ch in (0, 1):
        samples = b"".join(frames[i + 2 * ch:i + 2 * ch + 2] for i in range(0, len(frames), 4))
        out = os.path.join(tmp, f"call_ch{ch}.wav")
        with wave.open(out, "wb") as o:
            o.setnchannels(1)
            o.setsampwidth(2)
            o.setframerate(8000)
            o.writeframes(samples)
        outs.append(out)
    return outs


def test_real_call(tmp):
    """Bonus: a real call in the network lab (Kamailio + baresip), recorded in stereo because
    the disk's /offhook.cfg says so: baresip's 1 kHz on the heard channel, the phone's 440 Hz
    (phone.tone=440) on the sent one."""
    import netlab  # our own modules: an import error is a bug and fails the run loudly
    from peers import baresip, kamailio
    gone = hosttools.missing(*CALL_TOOLS)
    if gone:
        result("real_call", False, gone)
        return
    if os.geteuid() != 0:
        # The one genuine reason: the lab is a network namespace with a tap device, which
        # only CAP_NET_ADMIN can create. Nothing installable fixes that.
        print("SKIP storage/real_call: not root (the network lab needs CAP_NET_ADMIN for "
              "`ip netns add` and the tap device); run the tier as root", flush=True)
        return
    cfg = os.path.join(tmp, "call.cfg")
    with open(cfg, "wb") as f:
        f.write(b"phone.record=stereo\n")
    img = os.path.join(tmp, "call.img")
    subprocess.run([MKDISK, img, "48", f"{cfg}=/offhook.cfg"], check=True)
    users = {"1000": "secret1000", "2000": "secret2000"}
    with netlab.Lab() as lab:
        lab.start_dnsmasq()
        k = kamailio.Kamailio(lab.name, lab.tmp, users=users, min_expires=10)
        k.start()
        try:
            b = baresip.Baresip(lab.name, lab.tmp, user="2000", password="secret2000", auto_answer=True)
            b.start(timeout=20)
            lab.boot("net=192.0.2.10/24,gw=192.0.2.1,dns=192.0.2.1 sip.server=192.0.2.1 sip.user=1000 "
                     "sip.password=secret1000 sip.autoanswer=1 phone.tone=440", smp=2,
                     extra=["-boot", "d", "-drive", f"file={img},format=raw,if=ide,bus=0,unit=0",
                            "-device", "AC97,audiodev=snd", "-audiodev",
                            f"wav,id=snd,path={os.path.join(lab.tmp, 'speaker.wav')}"])
            if not lab.wait_for(r"phone: registered \(200\)", timeout=60):
                result("real_call_recorded", False, "phone did not register: " + lab.console_text()[-400:])
                return
            mark = lab.mark()
            bm = b.mark()
            b.dial("sip:1000@192.0.2.1")
            est = b.wait_event("CALL_ESTABLISHED", timeout=20, start=bm)
            time.sleep(6)
            b.hangup()
            closed = lab.wait_for(r"recorder: closed (/REC/CALL\d{4}\.WAV), (\d+)\.(\d+) s", timeout=20, start=mark)
            ok = est is not None and closed is not None and int(closed.group(2)) >= 4
            result("real_call_recorded", ok, lab.console_text()[-500:])
            # The shell over the serial line, as a user would type it.
            mark = lab.mark()
            lab.send("recordings")
            listed = lab.wait_for(r"CALL0001\.WAV (\d+) bytes (\d+)\.\d+ s stereo", timeout=10, start=mark)
            lab.send("df")
            stats = lab.wait_for(r"cache: hits (\d+) misses (\d+)", timeout=10, start=mark)
            result("shell_recordings_df", listed is not None and stats is not None and int(listed.group(2)) >= 4,
                   lab.console_text()[-400:])
        finally:
            k.stop()
    if not closed:
        return
    fsck(img, "after_real_call")
    data = mread(img, closed.group(1))
    if not data:
        result("real_call_tones", False, "mcopy read nothing")
        return
    wav = os.path.join(tmp, "call.wav")
    open(wav, "wb").write(data)
    heard, sent = split_stereo(wav, tmp)
    ph = audio.tone_presence(audio.load(heard), 1000, tolerance=5)
    ps = audio.tone_presence(audio.load(sent), 440, tolerance=5)
    print(f"INFO storage/real_call: {closed.group(0)}; heard 1 kHz {ph['seconds']} s "
          f"({ph['frequency']} Hz), sent 440 Hz {ps['seconds']} s ({ps['frequency']} Hz)", flush=True)
    result("real_call_tones", ph["seconds"] >= 3 and ps["seconds"] >= 3,
           f"heard 1 kHz {ph['seconds']} s, sent 440 Hz {ps['seconds']} s")


def test_io_errors(tmp):
    """QEMU's blkdebug fails every write (then every read) with EIO: the kernel reports the
    failed sync and the unmountable disk, and boots on."""
    img = os.path.join(tmp, "eio.img")
    subprocess.run([MKDISK, img, "48"], check=True)
    for event, name in (("write_aio", "write_errors_reported"), ("read_aio", "read_errors_survived")):
        cfg = os.path.join(tmp, f"{event}.cfg")
        with open(cfg, "w") as f:
            f.write(f'[inject-error]\nevent = "{event}"\nerrno = "5"\n')
        code, out, _ = qemu.boot("exit=1 storage.selftest=write storage.do=df", smp=2, timeout=120, extra=[
            "-boot", "d", "-nic", "none", "-drive", f"file=blkdebug:{cfg}:{img},format=raw,if=ide,bus=0,unit=0"])
        out = out.replace("\r", "")
        if event == "write_aio":
            m = re.search(r"write-errors (\d+)", out)
            ok = "sync: io-error" in out and m is not None and int(m.group(1)) > 0
        else:
            ok = "storage: no FAT32 filesystem on the disk (io-error)" in out
        result(name, code == 0 and ok and "offhook: up" in out, brief(out))


def test_bad_disks(tmp):
    code, out = boot("")
    result("no_disk_boots", code == 0 and "offhook: up" in out and "storage: FAT32 mounted" not in out, brief(out))
    img = os.path.join(tmp, "garbage.img")
    with open(img, "wb") as f:
        f.write(os.urandom(4 * 1024 * 1024))
    code, out = boot("", img)
    ok = code == 0 and "offhook: up" in out and "storage: no FAT32 filesystem" in out
    result("garbage_disk_boots", ok, brief(out))


def main():
    r = subprocess.run(["make", "-C", qemu.ROOT, "--no-print-directory", "build/kernel.elf", "userland"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        result("build", False, "kernel build failed")
        return 0
    gone = hosttools.missing(*TOOLS)
    if gone:
        result("tools", False, gone)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        img = test_config_and_persist(tmp)
        test_record(tmp, img)
        test_mbr(tmp)
        test_bad_disks(tmp)
        test_io_errors(tmp)
        test_real_call(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
