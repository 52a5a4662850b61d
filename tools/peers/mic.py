"""A microphone for the emulated phone: QEMU's AC97 capture fed from a raw 8 kHz mono S16LE
file through ALSA's `file` PCM (`infile`), clocked by a PulseAudio null sink on a private
socket (a real-time clock without a sound card; ALSA's `null` PCM has none, so the guest
would run many times faster than real time). Capture is clocked by the speaker's own sink
(its monitor), as one codec crystal clocks both directions.

    from peers import mic
    p, sock, ok, log = mic.start_pulse(netns, home)
    mic.write_asoundrc(home, sock, raw)
    lab.boot(..., env=dict(os.environ, HOME=home), extra=["-device", "AC97,audiodev=snd",
             "-audiodev", mic.audiodev()])
    mic.file_position(qemu_pid, raw)   # bytes of the file QEMU has taken so far
"""
import glob
import os
import re

from peers import proc

ALSA_PULSE = "/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so"
BYTES_PER_S = 8000 * 2


def missing():
    """What the rig needs and the machine lacks, with the Debian package to install."""
    return [] if os.path.exists(ALSA_PULSE) else ["ALSA's pulse plugin (package libasound2-plugins)"]


def start_pulse(netns, home):
    """PulseAudio with one null sink (a clock without a sound card), on a private socket.
    Returns (process, socket path, started, log path)."""
    sock = os.path.join(home, "pulse.sock")
    env = dict(os.environ, HOME=home, XDG_RUNTIME_DIR=home, PULSE_RUNTIME_PATH=home, PULSE_STATE_PATH=home)
    log = os.path.join(home, "pulse.log")
    p = proc.spawn(netns, ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
                           "--realtime=no", "--high-priority=no", "--log-target=stderr", "--log-level=info",
                           "-L", "module-null-sink sink_name=offhook_spk rate=8000 channels=1",
                           "-L", f"module-native-protocol-unix socket={sock} auth-anonymous=1"],
                   log, env=env)
    ready = proc.wait_log(log, r"Daemon startup complete", timeout=20, proc=p)
    return p, sock, ready is not None, log


def write_asoundrc(home, sock, raw):
    with open(os.path.join(home, ".asoundrc"), "w") as f:
        f.write(f"""pcm.offhook_spk {{ type pulse server "unix:{sock}" device "offhook_spk" }}
pcm.offhook_clock {{ type pulse server "unix:{sock}" device "offhook_spk.monitor" }}
pcm.offhook_mic {{ type file slave.pcm "offhook_clock" file "/dev/null" infile "{raw}" format "raw" }}
""")


def audiodev(default_buffers=False, timer_us=None):
    """QEMU's -audiodev for the rig. A 40 ms ALSA buffer in 10 ms periods: with QEMU's default
    buffer the capture reached the guest in bursts that left a 20 ms hole every 0.3 s
    (tests/e2e/test_capture.py, 7% of blocks). timer_us: QEMU's audio timer period (its
    default is 10 ms: the emulated codec's DMA moves in 10 ms steps)."""
    a = ("alsa,id=snd,in.dev=offhook_mic,out.dev=offhook_spk,"
         "in.frequency=8000,in.channels=1,in.format=s16,out.frequency=8000,out.channels=1,out.format=s16")
    if not default_buffers:
        a += ",in.buffer-length=40000,out.buffer-length=40000,in.period-length=10000,out.period-length=10000"
    if timer_us:
        a += f",timer-period={int(timer_us)}"
    return a


def file_position(pid, path):
    """Where process `pid` is in its open file `path` (bytes), or None when it has none."""
    for fd in glob.glob(f"/proc/{pid}/fd/*"):
        try:
            if os.readlink(fd) == path:
                info = open(f"/proc/{pid}/fdinfo/{os.path.basename(fd)}").read()
                return int(re.search(r"^pos:\s+(\d+)", info, re.M).group(1))
        except (OSError, AttributeError):
            continue
    return None


def file_fdinfo(pid, path):
    """The /proc fdinfo path of process `pid`'s descriptor for `path` (to poll it cheaply), or None."""
    for fd in glob.glob(f"/proc/{pid}/fd/*"):
        try:
            if os.readlink(fd) == path:
                return f"/proc/{pid}/fdinfo/{os.path.basename(fd)}"
        except OSError:
            continue
    return None
