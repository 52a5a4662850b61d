#!/usr/bin/env python3
"""The user shell with the FAT32 disk (issue 15): files through system calls and programs
loaded from the disk, typed on the serial console to sh (the default console). The disk is
made and read on the host with mtools, so what the programs wrote is checked on the disk
itself.

- cat_reads_file: `cat /notes.txt` prints the file the host put there, both lines;
- ls_lists_root: `ls /` names notes.txt, bin/ and the right size;
- put_writes_file / put_appends: `put /out.txt ...` then `put -a /out.txt ...` (Open with
  write/append, Write); after `poweroff 0` the host reads both lines from the disk image;
- program_from_disk: `diskhello`, which is no boot module but /bin/diskhello on the disk (a
  copy of hello), runs: its line, exit code 7 reported;
- errors_reported: `cat /nope` says no such file, `ls /notes.txt` not a directory, and a
  `cat` of a directory says so; sh goes on;
- rec_lists_recordings: after `storage.fakecall=1000:2` (a 2 s call through the recorder),
  `rec` lists one mono recording of 2.0 s, its length read from the WAV header;
- ps_lists_processes: `ps` shows sh (started by the kernel: parent 0) and itself as sh's child;
- poweroff_code: `poweroff 5` ends QEMU with code 5 (isa-debug-exit), after writing back.
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import hosttools  # noqa: E402
import qemu  # noqa: E402
from test_userland import Console  # noqa: E402

ROOT = qemu.ROOT
MKDISK = os.path.join(ROOT, "tools", "mkdisk.sh")


def check(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} user_files/{name}{'' if ok else ': ' + detail[-700:]}", flush=True)


def main():
    r = subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/kernel.elf", "userland"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("FAIL user_files/build: " + (r.stdout + r.stderr)[-800:])
        return 0
    missing = hosttools.missing("mformat", "mcopy", "mtype", "mmd")
    if missing:
        print(f"FAIL user_files/tools: {missing}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, "disk.img")
        subprocess.run(["sh", MKDISK, img, "64"], check=True, capture_output=True)
        notes = os.path.join(tmp, "notes.txt")
        with open(notes, "w") as f:
            f.write("first line of notes\nsecond line of notes\n")
        subprocess.run(["mcopy", "-i", img, notes, "::/notes.txt"], check=True, capture_output=True)
        subprocess.run(["mmd", "-i", img, "::/bin"], check=True, capture_output=True)
        subprocess.run(["mcopy", "-i", img, os.path.join(ROOT, "build", "user", "hello.elf"), "::/bin/diskhello"],
                       check=True, capture_output=True)
        c = Console("phone.record=mono storage.fakecall=1000:2", smp=2, extra=("-drive", f"file={img},format=raw,if=ide,bus=0,unit=0", "-boot", "d"))
        code = None
        try:
            at = c.wait_for(r"sh: ready", timeout=60)
            if at is None:
                check("sh_up", False, c.text())
                return 0

            def run(line, pattern, timeout=20):
                start = len(c.text())
                c.type(line + "\r")
                end = c.wait_for(pattern, start=start, timeout=timeout)
                return end is not None, c.text()[start:]

            ok, out = run("cat /notes.txt", r"user: 'cat' \(pid \d+\) exited with 0")
            check("cat_reads_file", ok and "first line of notes\nsecond line of notes\n" in out, out)
            ok, out = run("ls /", r"user: 'ls' \(pid \d+\) exited with 0")
            check("ls_lists_root", ok and re.search(rf"^\s+{os.path.getsize(notes)} - notes\.txt$", out, re.M) is not None
                  and re.search(r"^\s+\d+ d bin/$", out, re.M) is not None and re.search(r"^\d+ entries$", out, re.M)
                  is not None, out)
            ok1, out1 = run("put /out.txt written from sh", r"user: 'put' \(pid \d+\) exited with 0")
            ok2, out2 = run("put -a /out.txt and appended", r"user: 'put' \(pid \d+\) exited with 0")
            ok3, out3 = run("cat /out.txt", r"user: 'cat' \(pid \d+\) exited with 0")
            check("put_writes_and_appends", ok1 and ok2 and ok3
                  and "written from sh\nand appended\n" in out3, out1 + out2 + out3)
            # sh reports the exit code after the kernel's line about the same exit: wait for sh's.
            ok, out = run("diskhello", r"sh: diskhello exited with 7$")
            ok = ok and re.search(r"user: 'diskhello' \(pid \d+\) exited with 7", out) is not None
            check("program_from_disk", ok and "hello from ring 3" in out and "sh: diskhello exited with 7" in out, out)
            c.wait_for(r"fakecall: done", timeout=30)
            ok, out = run("rec", r"user: 'rec' \(pid \d+\) exited with 0")
            check("rec_lists_recordings", ok and re.search(r"^\S+\.WAV \d+ bytes 2\.0 s mono$", out, re.M | re.I)
                  is not None and "1 recordings" in out, out)
            ok, out = run("ps", r"user: 'ps' \(pid \d+\) exited with 0")
            sh_pid = re.search(r"^(\d+) 0 sh$", out, re.M)
            check("ps_lists_processes", ok and sh_pid is not None
                  and re.search(rf"^\d+ {sh_pid.group(1) if sh_pid else 'x'} ps$", out, re.M) is not None, out)
            ok1, out1 = run("cat /nope", r"user: 'cat' \(pid \d+\) exited with 1")
            ok2, out2 = run("ls /notes.txt", r"user: 'ls' \(pid \d+\) exited with 1")
            ok3, out3 = run("cat /bin", r"user: 'cat' \(pid \d+\) exited with 1")
            ok4, out4 = run("nosuch", r"sh: nosuch: no such program")
            check("errors_reported", ok1 and "/nope: no such file" in out1 and ok2 and "not a directory" in out2
                  and ok3 and "/bin: a directory" in out3 and ok4, out1 + out2 + out3 + out4)
            c.type("poweroff 5\r")
        finally:
            code = c.close()
        text = c.text()
        rc = code >> 1 if code is not None and code & 1 else None
        check("poweroff_code", rc == 5 and re.search(r"user: 'poweroff' \(pid \d+\) powers off \(5\)", text)
              is not None, f"qemu exit {code}; {text[-400:]!r}")
        disk = subprocess.run(["mtype", "-i", img, "::/out.txt"], capture_output=True, text=True).stdout
        check("written_to_the_disk", disk == "written from sh\nand appended\n", repr(disk))
        check("no_kernel_exception", "*** cpu" not in text and "panic" not in text.lower(), text[-600:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
