#!/usr/bin/env python3
"""demo_pty.py: drive `make demo-shell` through a pseudo-terminal, as an
operator at a terminal would, for t-36-demo-shell.

    demo_pty.py shell LOG    wait for the guest's shell prompt, run
                             `swapctl status`, then `exit`; the demo must end
    demo_pty.py ctrl-c LOG   start `make demo`, and once the workload runs
                             press Ctrl-C (SIGINT to the terminal's
                             foreground process group); the demo must end

Everything the terminal showed goes to LOG. Exit status 0 when the demo
ended by itself within the bounds, 1 otherwise (the reason on stderr); a
demo still running at the end is sent SIGTERM, then SIGKILL, by PID.
"""
import os
import pty
import select
import signal
import sys
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    mode, logpath = sys.argv[1], sys.argv[2]
    target = {"shell": "demo-shell", "ctrl-c": "demo"}[mode]
    env = dict(os.environ, TERM="dumb")
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(REPO)
        os.execvpe("make", ["make", "-s", target], env)
    log = open(logpath, "wb")
    seen = b""

    def read_until(pattern, timeout):
        nonlocal seen
        end = time.time() + timeout
        while time.time() < end:
            r, _, _ = select.select([fd], [], [], 1)
            if not r:
                continue
            try:
                data = os.read(fd, 4096)
            except OSError:
                return False
            if not data:
                return False
            log.write(data)
            log.flush()
            seen += data
            if pattern and pattern in seen:
                return True
        return False

    def finish(timeout):
        """Wait for the demo to exit; its status, or None (then killed)."""
        end = time.time() + timeout
        while time.time() < end:
            read_until(None, 1)
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                read_until(None, 1)
                return status
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                break
            time.sleep(5)
        os.waitpid(pid, 0)
        return None

    ok = True
    if mode == "shell":
        if not read_until(b"netswap-demo# ", 900):
            print("no shell prompt from the guest", file=sys.stderr)
            ok = False
        else:
            os.write(fd, b"swapctl status\n")
            seen = b""
            if not read_until(b"netswap-demo# ", 120):
                print("no prompt after swapctl status", file=sys.stderr)
                ok = False
            os.write(fd, b"exit\n")
    else:
        if not read_until(b"== workload", 900):
            print("the workload never started", file=sys.stderr)
            ok = False
        time.sleep(5)
        # Ctrl-C at the terminal: the character, which the line discipline
        # turns into SIGINT for the foreground process group.
        os.write(fd, b"\x03")
    status = finish(300)
    if status is None:
        print("the demo did not end within 300 s of being told to", file=sys.stderr)
        ok = False
    log.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
