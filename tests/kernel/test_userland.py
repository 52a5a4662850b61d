#!/usr/bin/env python3
"""User programs in ring 3, booted under QEMU/TCG. Prints PASS/FAIL lines.

Every check reads what the programs themselves wrote through the write system call, and the
exit codes and kill reports the kernel gives for them (userland/bin/*.cpp):

- `-cpu max` (SMEP and SMAP present), `run=hello,nullwrite,ud2,kread,stackbomb,badptr,syscheck,sysfuzz`:
  hello's line on the console and its exit code 7; nullwrite (store to 0x0), ud2 (#UD) and
  kread (a read of the kernel's direct map: a protection fault) and stackbomb (recursion into
  the guard page under the stack) each killed and reported with its name, pid and fault,
  never reaching their "still alive" line; badptr gets -EFAULT for
  every bad pointer (and -EBADF, -EINVAL, -ENOSYS for the rest) and exits 0; syscheck's
  getpid/clock/sleep answer; sysfuzz's 20,000 random calls with hostile arguments all get a
  documented answer; the kernel then finishes booting and exits through
  isa-debug-exit with no kernel exception report.
- The default CPU model (no SMEP/SMAP), one CPU, `bg=spinner run=readecho`: readecho reads a
  line typed on the serial console; then sh owns the console (the default init), and while
  the spinner burns the only CPU in ring 3 it still answers the kernel's `uptime`, `run
  hello` and `run nullwrite` (commands of the kernel console, which only sh may run), and
  `poweroff 3` ends QEMU with code 3.
- `init=nosuch`: the user shell cannot start, so the kernel's emergency console takes the
  console and answers `uptime` itself (its `> ` prompt, no `$ `); with `init=none` too. Under
  sh the kernel console never shows its prompt.
"""
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import qemu  # noqa: E402

ROOT = qemu.ROOT
failures = 0


def check(name, ok, detail=""):
    global failures
    if not ok:
        failures += 1
    print(f"{'PASS' if ok else 'FAIL'} userland/{name}{'' if ok else ': ' + detail}", flush=True)


def exited(out, prog, code):
    return re.search(rf"^user: '{prog}' \(pid \d+\) exited with {code}$", out, re.M) is not None


def killed(out, prog, what):
    m = re.search(rf"^user: '{prog}' \(pid \d+\) killed: (.*)$", out, re.M)
    return m is not None and what in m.group(1), (m.group(0) if m else "no kill report")


def batch_boot():
    progs = "hello,nullwrite,ud2,kread,stackbomb,badptr,syscheck,sysfuzz"
    code, out, secs = qemu.boot(f"run={progs} exit=1", smp=2, timeout=90, extra=("-cpu", "max"))
    out = out.replace("\r", "")
    tail = f"exit {code}, log tail: {out[-800:]!r}"
    check("smep_smap_on", "user: smep on, smap on" in out, tail)
    check("hello_output", "hello from ring 3\n" in out, tail)
    check("hello_exit_code", exited(out, "hello", 7), tail)
    ok, line = killed(out, "nullwrite", "#PF page fault at 0x0 (write, not present)")
    check("nullwrite_killed", ok and "nullwrite: writing to 0x0" in out and "still alive" not in out, line)
    ok, line = killed(out, "ud2", "#UD invalid opcode")
    check("ud2_killed", ok and "ud2: executing ud2" in out, line)
    ok, line = killed(out, "kread", "#PF page fault at 0xffff800000100000 (read, protection)")
    check("kernel_half_not_user_accessible", ok and "read the kernel (wrong)" not in out, line)
    # The stack is 64 KiB under 0x7fffffff0000 with one unmapped guard page below it.
    m = re.search(r"^user: 'stackbomb' \(pid \d+\) killed: #PF page fault at (0x[0-9a-f]+) \(write, not present",
                  out, re.M)
    addr = int(m.group(1), 16) if m else 0
    check("stack_overflow_hits_guard", 0x7ffffffdf000 <= addr < 0x7ffffffe0000 and "bottomless" not in out,
          m.group(0) if m else "no kill report for stackbomb")
    bad = re.findall(r"^badptr: .* -> -?\d+.*$", out, re.M)
    check("badptr_errors", len(bad) >= 14 and not any("(want" in b for b in bad)
          and "badptr: all refused" in out, "\n".join(bad) or tail)
    check("badptr_exits_normally", exited(out, "badptr", 0), tail)
    check("syscheck", "syscheck: ok" in out and exited(out, "syscheck", 0), tail)
    m = re.search(r"^sysfuzz: (\d+) rounds, (\d+) refused, (\d+) unexpected$", out, re.M)
    check("syscall_fuzz", m is not None and int(m.group(1)) >= 10000 and int(m.group(2)) > 0
          and m.group(3) == "0" and exited(out, "sysfuzz", 0),
          "\n".join(re.findall(r"^sysfuzz: .*$", out, re.M)) or tail)
    order = [out.find(s) for s in ("user: 'hello'", "user: 'nullwrite'", "user: 'ud2'", "user: 'kread'",
                                   "user: 'stackbomb'", "user: 'badptr'", "user: 'syscheck'", "user: 'sysfuzz'",
                                   "user: run= done", "offhook: up")]
    check("kernel_keeps_running", -1 not in order and order == sorted(order) and code == 0, tail)
    check("no_kernel_exception", "*** cpu" not in out and "panic" not in out.lower(), tail)


class Console:
    """QEMU with the serial console on a pipe: read what it prints, type into it."""

    def __init__(self, cmdline, smp, extra=()):
        self.tmp = tempfile.TemporaryDirectory()
        iso = os.path.join(self.tmp.name, "offhook.iso")
        qemu.make_iso(cmdline, iso)
        args = ["qemu-system-x86_64", "-M", "pc", "-smp", str(smp), "-m", "256M", "-accel", "tcg",
                "-cdrom", iso, "-serial", "stdio", "-display", "none", "-no-reboot", "-monitor", "none",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", *extra]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.out = b""
        self.lock = threading.Lock()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        while True:
            b = self.proc.stdout.read1(4096)
            if not b:
                return
            with self.lock:
                self.out += b

    def text(self):
        with self.lock:
            return self.out.decode(errors="replace").replace("\r", "")

    def wait_for(self, pattern, start=0, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = re.search(pattern, self.text()[start:], re.M)
            if m:
                return start + m.end()
            time.sleep(0.1)
        return None

    def type(self, s):
        # One byte at a time, as a person types: the UART's receive FIFO holds 16.
        for ch in s:
            self.proc.stdin.write(ch.encode())
            self.proc.stdin.flush()
            time.sleep(0.01)

    def close(self, timeout=20):
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = None
        self.tmp.cleanup()
        return code


def interactive_boot():
    c = Console("bg=spinner run=readecho", smp=1)
    try:
        at = c.wait_for(r"^spinner: spinning$", timeout=60)
        ready = c.wait_for(r"readecho: ready$", timeout=30)  # may follow the shell's prompt
        check("spinner_started", at is not None, repr(c.text()[-600:]))
        check("smep_absent_path", "user: smep absent, smap absent" in c.text(), repr(c.text()[:2000]))
        if ready is None:
            check("readecho", False, repr(c.text()[-600:]))
            return
        c.type("typed line\r")
        at = c.wait_for(r"readecho: got 'typed line'$", start=ready, timeout=30)
        done = c.wait_for(r"^user: 'readecho' \(pid \d+\) exited with 0$", start=ready, timeout=30)
        check("read_console_input", at is not None and done is not None, repr(c.text()[-600:]))
        at = c.wait_for(r"^offhook: up$", timeout=30)
        if at is None:
            check("kernel_up_with_spinner", False, repr(c.text()[-600:]))
            return
        # The spinner never stops; everything below needs the kernel to take the CPU from it.
        c.type("uptime\r")
        up = c.wait_for(r"^uptime \d+\.\d+ s$", start=at, timeout=30)
        check("shell_answers_under_spinner", up is not None, repr(c.text()[-600:]))
        c.type("run hello\r")
        h = c.wait_for(r"^user: 'hello' \(pid \d+\) exited with 7$", start=up or at, timeout=30)
        check("run_from_shell_under_spinner", h is not None and "hello from ring 3" in c.text()[at:],
              repr(c.text()[-600:]))
        c.type("run nullwrite\r")
        k = c.wait_for(r"^user: 'nullwrite' \(pid \d+\) killed: #PF", start=h or at, timeout=30)
        check("fault_from_shell_reported", k is not None, repr(c.text()[-600:]))
        c.type("uptime\r")
        up2 = c.wait_for(r"^uptime \d+\.\d+ s$", start=k or at, timeout=30)
        check("shell_after_fault", up2 is not None, repr(c.text()[-600:]))
        c.type("progs\r")
        p = c.wait_for(r"^system calls \d+, refused \d+$", start=up2 or at, timeout=30)
        check("progs_lists_modules", p is not None and re.search(r"^  hello \(\d+ bytes\)$", c.text(), re.M)
              is not None, repr(c.text()[-600:]))
        c.type("poweroff 3\r")
    finally:
        code = c.close()
    rc = code >> 1 if code is not None and code & 1 else None
    check("exit_code_through_shell", rc == 3, f"qemu exit {code}; tail {c.text()[-400:]!r}")
    check("no_kernel_exception_interactive", "*** cpu" not in c.text(), repr(c.text()[-800:]))
    # sh owns the console from the boot on: the kernel console never shows its "> " prompt
    # (it once did, at the start of the boot, in the middle of the boot's lines).
    stray = re.search(r"^.*> .*$", c.text(), re.M)
    check("no_kernel_prompt_under_sh", re.search(r"(^|\n)> ", c.text()) is None,
          repr(stray.group(0) if stray else ""))


def emergency_console(init):
    # No user shell: the kernel's own console must answer what is typed.
    c = Console(f"init={init} net=none", smp=1)
    try:
        up = c.wait_for(r"^offhook: up$", timeout=60)
        if init != "none":
            why = c.wait_for(rf"user: init '{init}' cannot start", timeout=30)  # may follow the '> ' prompt
        else:
            why = up
        # The kernel console shows its prompt once it has the console, then answers.
        prompt = c.wait_for(r"^> ", timeout=30)
        c.type("uptime\r")
        ans = c.wait_for(r"^uptime \d+\.\d+ s$", start=up or 0, timeout=30)
        c.type("exit 4\r")
    finally:
        code = c.close()
    rc = code >> 1 if code is not None and code & 1 else None
    check(f"emergency_console_init_{init}", up is not None and why is not None and prompt is not None
          and ans is not None and rc == 4
          and "sh: ready" not in c.text(), f"qemu exit {code}; tail {c.text()[-500:]!r}")


def main():
    r = subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/kernel.elf", "userland"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout[-3000:] + r.stderr[-3000:])
        print("FAIL userland/build: make build/kernel.elf userland failed")
        return 0
    batch_boot()
    interactive_boot()
    emergency_console("nosuch")
    emergency_console("none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
