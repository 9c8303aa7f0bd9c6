"""Run a command with its stderr on a pseudo-terminal (as in an interactive shell) and its stdout on a pipe."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time


def run_with_tty_stderr(argv: list[str], env: dict, cwd=None, timeout: float = 300) -> tuple[int, str, str]:
    """(exit code, stdout, what reached the terminal on stderr). stdout stays small in these tests."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, cwd=cwd, env=env)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # Linux: EIO once the child closed its end
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        out = proc.stdout.read()
        proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return proc.returncode, out.decode(), b"".join(chunks).decode(errors="replace")
