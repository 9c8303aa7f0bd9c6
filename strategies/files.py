"""Strategy registry, user side: NoteStrategy subclasses loaded from a user's own Python file."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import stat
import sys
from pathlib import Path

from rtybt.strategies.base import NoteStrategy
from rtybt.strategies.params import Param

# Loaded modules by (resolved path, source sha256): an edited file is loaded again, an unchanged one is not.
_LOADED: dict[tuple[str, str], dict[str, type[NoteStrategy]]] = {}


class StrategyFileError(ValueError):
    """A strategy file that cannot be used: missing, unreadable, not Python, or without a valid strategy."""


def read_source(path: str | Path) -> bytes:
    """The file's bytes; a missing or unreadable file is a StrategyFileError."""
    path = Path(path)
    try:
        # A named pipe would block the read until something writes to it, a device would never end: only a
        # regular file is source code (os.stat follows a symlink to what it names).
        kind = os.stat(path).st_mode
        if not stat.S_ISREG(kind) and not stat.S_ISDIR(kind):
            what = "a named pipe (FIFO)" if stat.S_ISFIFO(kind) else "a device or socket"
            raise StrategyFileError(f"not a regular file ({what}); expected a Python file")
        return path.read_bytes()
    except FileNotFoundError:
        raise StrategyFileError("strategy file not found") from None
    except IsADirectoryError:
        raise StrategyFileError("is a directory, expected a Python file") from None
    except OSError as exc:
        raise StrategyFileError(f"cannot read ({exc.strerror})") from None


def strategies_in_file(path: str | Path) -> dict[str, type[NoteStrategy]]:
    """Every NoteStrategy subclass the file defines, by its `name`; the module is loaded once per content."""
    path = Path(path).expanduser().resolve()
    source = read_source(path)
    sha = hashlib.sha256(source).hexdigest()
    key = (str(path), sha)
    if key not in _LOADED:
        _LOADED[key] = _load(path, source, sha)
    return _LOADED[key]


def load_strategy_file(path: str | Path, name: str) -> type[NoteStrategy]:
    """The strategy called `name` in the file; StrategyFileError if there is none."""
    found = strategies_in_file(path)
    if name not in found:
        import difflib

        close = difflib.get_close_matches(name, list(found), n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        defined = ", ".join(sorted(found)) or "none"
        raise StrategyFileError(f"no strategy named {name!r}{hint}; strategies defined in the file: {defined}")
    return found[name]


def _load(path: Path, source: bytes, sha: str) -> dict[str, type[NoteStrategy]]:
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as exc:
        raise StrategyFileError(f"line {exc.lineno}: invalid Python: {exc.msg}") from None
    except ValueError as exc:  # e.g. null bytes
        raise StrategyFileError(f"invalid Python: {exc}") from None
    # A stable module name per content: Backtrader registers derived classes in the module by name, and
    # inspect.getsource (the manifest's strategy source hash) finds the module through sys.modules.
    module_name = f"rtybt_user_strategy_{sha[:16]}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        exec(code, module.__dict__)
    except Exception as exc:
        sys.modules.pop(module_name, None)
        raise StrategyFileError(f"cannot import: {exc.__class__.__name__}: {exc}") from None
    found: dict[str, type[NoteStrategy]] = {}
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, NoteStrategy) and value.__module__ == module_name:
            if not value.name:
                raise StrategyFileError(f"class {value.__name__}: set `name = \"...\"` (the name configs use)")
            _check_spec(value)
            if value.name in found:
                raise StrategyFileError(f"two classes are named {value.name!r}: {found[value.name].__name__} and "
                                        f"{value.__name__}")
            found[value.name] = value
    if not found:
        raise StrategyFileError("defines no subclass of rtybt.strategies.base.NoteStrategy (or LongRuleStrategy)")
    return found


def _check_spec(cls: type[NoteStrategy]) -> None:
    """The spec must be Param declarations matching the Backtrader params, so configs are checked like a built-in's."""
    if not isinstance(cls.spec, tuple) or not all(isinstance(p, Param) for p in cls.spec):
        raise StrategyFileError(f"class {cls.__name__}: `spec` must be a tuple of rtybt.strategies.params.Param")
    declared = set(cls.params._getkeys()) if hasattr(cls.params, "_getkeys") else set()
    missing = [p.name for p in cls.spec if p.name not in declared]
    if missing:
        raise StrategyFileError(f"class {cls.__name__}: parameter(s) {', '.join(missing)} are in `spec` but not in "
                                "`params` (write `params = bt_params(spec)`)")
