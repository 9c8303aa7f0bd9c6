"""Atomic file writes shared by every stage: readers see the old file or the new one, never half of it."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def current_umask() -> int:
    """The process's umask, read without changing it where the system tells (Linux), else set and restored."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    """The mode the written file gets: the replaced file's (a re-render keeps 0644 as 0644), else what a plain
    open() would give under the umask. mkstemp alone makes every file 0600."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def _stage(target: Path, payload: bytes) -> Path:
    """`payload` in a temporary file beside `target` (not matching its suffix), flushed to disk."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), _mode_for(target))
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_files_atomic(files: dict[Path, bytes]) -> None:
    """Every file staged beside its target first, then each renamed over it: a failure while staging replaces
    none of them (a report re-rendered is never half old, half new because a disk filled up)."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, payload in files.items():
            staged.append((_stage(target, payload), target))
        while staged:
            tmp, target = staged[0]
            os.replace(tmp, target)
            staged.pop(0)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def write_text_atomic(target: Path, text: str) -> None:
    """Write to a temporary file beside `target`, fsync, then rename over it (UTF-8, newlines as given)."""
    write_files_atomic({target: text.encode("utf-8")})
