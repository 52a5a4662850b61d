"""Process helpers shared by the peers: start a program inside a network namespace (or on the
host when netns is None) with its output in a log file, wait for a log line, stop it.

    from peers import proc
    p = proc.spawn("ohlab123", ["kamailio", ...], "/tmp/x/kamailio.log")
    proc.wait_log("/tmp/x/kamailio.log", r"ready", timeout=5)
    proc.stop(p)
"""
import atexit
import os
import re
import signal
import subprocess
import time

# Everything spawn() started and stop() has not ended yet: killed at exit, on SIGTERM and on
# SIGINT, so a test that fails or is interrupted leaves no peer running. When the test
# runner sets OFFHOOK_PIDFILE, each pid is also written there, for the runner to kill should
# this process itself be killed.
_live = []


def _kill_live():
    for p in list(_live):
        stop(p, timeout=1)


def _on_signal(signum, frame):
    # Unwind (finally blocks and `with Lab()` run, then the atexit hook) instead of dying.
    signal.signal(signum, signal.SIG_DFL)
    raise SystemExit(128 + signum)


def install_cleanup():
    """Kill every spawned process at exit and on SIGTERM/SIGINT/SIGHUP (idempotent)."""
    if getattr(install_cleanup, "done", False):
        return
    install_cleanup.done = True
    atexit.register(_kill_live)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) in (signal.SIG_DFL, None):
            signal.signal(sig, _on_signal)


def track(p):
    """Have the cleanup kill `p` (a Popen in its own session or not) too."""
    install_cleanup()
    _live.append(p)
    path = os.environ.get("OFFHOOK_PIDFILE")
    if path:
        with open(path, "a") as f:
            f.write(f"{p.pid}\n")
    return p


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
    p.offhook_group = True  # it leads its own process group (a new session)
    return track(p)


def _signal(p, sig):
    """Signal p's process group when p leads one (spawn() makes it), else p alone."""
    try:
        if getattr(p, "offhook_group", False):
            os.killpg(p.pid, sig)
        else:
            os.kill(p.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop(p, timeout=5):
    """SIGTERM p (and its process group when it leads one), then SIGKILL after `timeout`
    seconds."""
    if p in _live:
        _live.remove(p)
    if p is None:
        return
    if p.poll() is not None:
        if getattr(p, "offhook_group", False):
            _signal(p, signal.SIGKILL)  # children it left behind in its group
        return
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
        _signal(p, sig)
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
