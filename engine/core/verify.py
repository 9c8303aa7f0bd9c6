"""Foundation: verified stores. Every cache or store entry that a later command may reuse is sealed with the
hashes of its inputs and a checksum of its own content, and opened only if both still hold.

How a store uses it (the sweep's variant store, the analogs walk-forward cache, `compare`'s reuse of a run,
and `rtybt run`'s reuse of an identical run all follow this):

    text = seal_json(content, inputs)             # write `text` atomically
    content = open_json(path, inputs, "variant")  # None: absent, or refused with a one-line note

`inputs` is a flat mapping of what the entry was computed from (config hash, sha256 of the data bytes as
read, strategy source, `code_version()`); an entry whose inputs differ, whose checksum does not match its
content, or that is not an entry at all is never reused: `refused(...)` tells the user in one line (a
`StoreNote` warning, which the CLI prints on stderr as `rtybt: note: ...`) and the caller recomputes.
Library code never prints: the note is a warning, so the Python API shows it the usual way.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

# StoreNote lives with the error family, so the CLI routes these warnings without importing this module at start-up.
from rtybt.engine.core.errors import StoreNote  # noqa: F401  (re-exported)

FORMAT = 1
HEADER = b"# rtybt-store "  # a sealed non-JSON entry (a CSV) starts with this line
SEALED_KEYS = {"store", "sha256", "inputs", "content"}


def refused(what: str, why: str) -> None:
    """One line: what was not reused and why; the caller recomputes it."""
    warnings.warn(f"{what}: {why}; recomputed", StoreNote, stacklevel=3)


def sha256_bytes(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def canonical(value) -> str:
    """One text per value: sorted keys, no spaces, non-JSON values as text (as they are once written)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


_CODE_VERSION: list[str] = []


def code_version() -> str:
    """rtybt's version and a sha256 of its own source (engine/ and strategies/): another rtybt, or an edited
    checkout, never reuses what this one stored."""
    if not _CODE_VERSION:
        from rtybt.engine import __version__

        root = Path(__file__).resolve().parents[2]
        digest = hashlib.sha256(__version__.encode())
        for folder in ("engine", "strategies"):
            for path in sorted((root / folder).rglob("*.py")):
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
        _CODE_VERSION.append(f"{__version__}+{digest.hexdigest()[:16]}")
    return _CODE_VERSION[0]


def _differs(stored, inputs: dict) -> str | None:
    if not isinstance(stored, dict):
        return "no record of its inputs"
    for key, value in inputs.items():
        if stored.get(key) != json.loads(canonical(value)):
            return f"made from other inputs ({key} differs)"
    return None


def seal_json(content, inputs: dict) -> str:
    """A JSON entry: the content, its inputs and the checksum of both."""
    body = json.loads(canonical({"inputs": inputs, "content": content}))
    return json.dumps({"store": FORMAT, "sha256": sha256_bytes(canonical(body).encode()), **body}) + "\n"


def check_json(text: str, inputs: dict):
    """The content of a sealed JSON entry; ValueError naming why it cannot be trusted."""
    if not text.strip():
        raise ValueError("empty")
    try:
        entry = json.loads(text)
    except ValueError:
        raise ValueError("not readable JSON (truncated or damaged)") from None
    if not isinstance(entry, dict) or entry.get("store") != FORMAT or set(entry) != SEALED_KEYS:
        raise ValueError("not a sealed entry (written by another rtybt, or edited)")
    body = {"inputs": entry.get("inputs"), "content": entry["content"]}
    if entry.get("sha256") != sha256_bytes(canonical(body).encode()):
        raise ValueError("checksum does not match its content (damaged or edited)")
    why = _differs(entry.get("inputs"), inputs)
    if why:
        raise ValueError(why)
    return entry["content"]


def seal_bytes(body: bytes, inputs: dict) -> bytes:
    """A non-JSON entry (a CSV): one header line with its inputs and checksum, then the body as is."""
    head = {"store": FORMAT, "sha256": sha256_bytes(body), "inputs": json.loads(canonical(inputs))}
    return HEADER + json.dumps(head, sort_keys=True).encode() + b"\n" + body


def check_bytes(blob: bytes, inputs: dict) -> bytes:
    """The body of a sealed entry; ValueError naming why it cannot be trusted."""
    if not blob.strip():
        raise ValueError("empty")
    if not blob.startswith(HEADER) or b"\n" not in blob:
        raise ValueError("not a sealed entry (written by another rtybt, or edited)")
    head_line, body = blob[len(HEADER):].split(b"\n", 1)
    try:
        head = json.loads(head_line)
    except ValueError:
        raise ValueError("unreadable header (damaged)") from None
    if not isinstance(head, dict) or head.get("store") != FORMAT:
        raise ValueError("not a sealed entry (written by another rtybt, or edited)")
    if head.get("sha256") != sha256_bytes(body):
        raise ValueError("checksum does not match its content (truncated, damaged or edited)")
    why = _differs(head.get("inputs"), inputs)
    if why:
        raise ValueError(why)
    return body


def _read(path: Path, what: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        refused(f"{what} {path}", f"unreadable ({exc.strerror or exc.__class__.__name__})")
        return None


def open_json(path: Path, inputs: dict, what: str):
    """A sealed JSON entry's content; None when absent, or when refused (with its one-line note)."""
    blob = _read(path, what)
    if blob is None:
        return None
    try:
        return check_json(blob.decode("utf-8", errors="replace"), inputs)
    except ValueError as exc:
        refused(f"{what} {path}", str(exc))
        return None


def open_bytes(path: Path, inputs: dict, what: str) -> bytes | None:
    """A sealed entry's body; None when absent, or when refused (with its one-line note)."""
    blob = _read(path, what)
    if blob is None:
        return None
    try:
        return check_bytes(blob, inputs)
    except ValueError as exc:
        refused(f"{what} {path}", str(exc))
        return None
