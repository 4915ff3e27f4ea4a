#!/usr/bin/env python3
# Runs a command in a pseudo-terminal of a given size and writes every byte it printed to
# stdout, unchanged, for a terminal emulator in the test to replay (pty-screen.ts). Python's
# standard library does what a native Node module (node-pty) would: no build step, no addon.
#
#   pty-run.py COLS ROWS TIMEOUT_S [--send REGEX TEXT]... -- COMMAND [ARG]...
#
# Each --send writes TEXT (with \xNN escapes, e.g. \x03 for Ctrl-C) to the terminal once the
# output so far, after the previous send, matches REGEX: keyed to what the program printed,
# never to a clock. It goes at the next quiet moment (no output for QUIET_S), as a person's
# key press does, not mid-frame: a Ctrl-C makes the kernel discard whatever output the
# terminal has not read yet (ISIG without NOFLSH), and a frame cut in two by that is the
# terminal's loss, which no count of drawn rows can know about. The exit status is the command's (128 + N when signal N ended it), or 124
# when TIMEOUT_S passed and the command was killed.

import codecs
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

QUIET_S = 0.03


def main() -> int:
    args = sys.argv[1:]
    cols, rows, timeout = int(args[0]), int(args[1]), float(args[2])
    args = args[3:]
    sends = []
    while args and args[0] == "--send":
        sends.append((re.compile(args[1].encode()), codecs.decode(args[2], "unicode_escape").encode()))
        args = args[3:]
    if not args or args[0] != "--":
        print("usage: pty-run.py COLS ROWS TIMEOUT_S [--send REGEX TEXT]... -- COMMAND...", file=sys.stderr)
        return 2
    command = args[1:]

    pid, fd = pty.fork()
    if pid == 0:
        # The size is set on the child's side before exec: it must be in place when the
        # program first asks for its width.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execvp(command[0], command)

    out = bytearray()
    since = 0
    armed = False
    deadline = time.monotonic() + timeout
    timed_out = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            os.kill(pid, signal.SIGKILL)
            break
        ready, _, _ = select.select([fd], [], [], min(left, QUIET_S if armed else 0.5))
        if not ready:
            if armed:
                os.write(fd, sends.pop(0)[1])
                since = len(out)
                armed = False
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
        if sends and not armed and sends[0][0].search(bytes(out[since:])):
            armed = True

    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(bytes(out))
    sys.stdout.buffer.flush()
    if timed_out:
        return 124
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
