"""Foundation: faults of the machine rather than of rtybt (a full disk, a read-only folder, a symlink loop)
told as one line, as bad input is (exit code 2), instead of a traceback."""

from __future__ import annotations

import errno

# What the system, not the code, got wrong: the user can fix each by freeing space, fixing a permission or
# a link, or pointing rtybt elsewhere. An OSError outside this list keeps its traceback (it is a bug).
_HINTS = {
    errno.ENOSPC: "the disk is full: free some space and run again",
    errno.EDQUOT: "the disk quota is exhausted: free some space and run again",
    errno.EROFS: "the filesystem is read-only: point the results or data folder at a writable one",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ELOOP: "a symlink loop (a link that leads back to itself)",
    errno.ENOTDIR: "a file stands where a folder was expected",
    errno.EISDIR: "a folder stands where a file was expected",
    errno.ENAMETOOLONG: "the path is too long",
    errno.EFBIG: "the file is too large for this filesystem",
    errno.EIO: "an input/output error from the device",
    errno.ENXIO: "a device, not a file",
    errno.EMFILE: "too many open files (raise the limit: ulimit -n)",
    errno.ENFILE: "too many open files on the system",
    errno.EXDEV: "the source and the target are on different filesystems",
    errno.ENOENT: "no such file or folder (removed while rtybt ran?)",
    errno.EBUSY: "the file or device is busy",
    errno.ETXTBSY: "the file is busy",
}


def filesystem_fault(exc: BaseException) -> str | None:
    """One line for a fault of the filesystem, naming the path; None for anything else (a bug keeps its
    traceback). Python < 3.13 reports a symlink loop met by Path.resolve() as a RuntimeError."""
    if isinstance(exc, RuntimeError) and str(exc).startswith("Symlink loop from "):
        where = str(exc)[len("Symlink loop from "):].strip("'\"")
        return f"{where}: {_HINTS[errno.ELOOP]}"
    if not isinstance(exc, OSError) or exc.errno not in _HINTS:
        return None
    where = exc.filename if exc.filename is not None else ""
    if exc.filename2 is not None:
        where = f"{where} -> {exc.filename2}"
    hint = _HINTS[exc.errno]
    detail = exc.strerror or ""
    text = hint if not detail or detail.lower() in hint.lower() else f"{detail}: {hint}"
    return f"{where}: {text}" if where else text
