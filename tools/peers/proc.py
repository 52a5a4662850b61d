"""Process helpers shared by the peers: start a program inside a network namespace (or on the
host when netns is None) with its output in a log file, wait for a log line, stop it.

    from peers import proc
    p = proc.spawn("ohlab123", ["kamailio", ...], "/tmp/x/kamailio.log")
    proc.wait_log("/tmp/x/kamailio.log", r"ready", timeout=5)
    proc.stop(p)
"""
import os
import re
import signal
import subprocess
import time


def netns_argv(netns, argv):
    """The argv that runs `argv` inside `netns` (unchanged when netns is None)."""
    return (["ip", "netns", "exec", netns] if netns else []) + list(argv)


def spawn(netns, argv, log_path, **kw):
    """Start argv in netns with stdout+stderr appended to log_path; returns the Popen.
    The child gets its own process group so stop() can end everything it started."""
    log = open(log_path, "ab")
    kw.setdefault("stdin", subprocess.DEVNULL)
    p = subprocess.Popen(netns_argv(netns, argv), stdout=log, stderr=subprocess.STDOUT,
                         start_new_session=True, **kw)
    log.close()
    return p


def stop(p, timeout=5):
    """SIGTERM the process group of p, then SIGKILL after `timeout` seconds."""
    if p is None or p.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
        try:
            os.killpg(p.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            p.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def wait_log(path, pattern, timeout=10, proc=None, start=0):
    """Wait until the file at `path` has a match for `pattern` at or after byte `start`.
    Returns the match, or None on timeout or when `proc` exited first."""
    rx = re.compile(pattern, re.M)
    deadline = time.time() + timeout
    while True:
        m = rx.search(read(path), start)
        if m:
            return m
        if time.time() >= deadline or (proc is not None and proc.poll() is not None):
            return rx.search(read(path), start)
        time.sleep(0.05)
