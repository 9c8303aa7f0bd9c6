"""Strategy registry, user side: NoteStrategy subclasses loaded from a user's own Python file."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import os
import stat
import sys
from pathlib import Path

from rtybt.strategies.base import NoteStrategy
from rtybt.strategies.params import Param

# Loaded modules by (resolved path, source sha256): an edited file is loaded again, an unchanged one is not.
_LOADED: dict[tuple[str, str], dict[str, type[NoteStrategy]]] = {}
_MODULES: dict[tuple[str, str], object] = {}  # the module each of those was loaded as
# Every module a user's file is loaded as starts with this: what tells a user's class from a built-in one.
USER_MODULE_PREFIX = "rtybt_user_strategy_"
# The paths user code was compiled from: the frames of a traceback that are the user's.
_USER_FILES: set[str] = set()


class StrategyFileError(ValueError):
    """A strategy file that cannot be used: missing, unreadable, not Python, or without a valid strategy."""


class StrategyCodeError(StrategyFileError):
    """The user's own code raised (on import, or later while it ran): one line saying where and what;
    `detail` holds the full traceback, for -v."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail


def is_user_strategy(cls) -> bool:
    """True for a class loaded from a user's file (its errors are the user's), False for a built-in."""
    return getattr(cls, "__module__", "").startswith(USER_MODULE_PREFIX)


def user_code_error(exc: BaseException, phase: str = "") -> StrategyCodeError:
    """`exc`, raised by a user's code, as one line: the user's file and line (the innermost frame in a
    user file), the function, the bar it was on when known, the exception and a hint at its likely cause."""
    import traceback

    detail = "".join(traceback.format_exception(exc))
    where = ""
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename in _USER_FILES:
            function = frame.f_code.co_name
            where = f"{shown_path(frame.f_code.co_filename)}:{lineno} " + (
                "on import" if function == "<module>" else f"in {function}" + _bar_of(frame.f_locals.get("self")))
    if isinstance(exc, SystemExit):
        what = f"SystemExit({exc.code!r}): the file exits (sys.exit, or argparse at import); a strategy file must not"
    else:
        what = f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__
    where = where or phase
    return StrategyCodeError(f"{where}: {what}{_hint(exc)}" if where else f"{what}{_hint(exc)}", detail)


def shown_path(filename: str) -> str:
    """The file as the user would write it: relative to the working directory when it lies under it."""
    try:
        return str(Path(filename).relative_to(Path.cwd()))
    except ValueError:
        return filename


def _bar_of(strategy) -> str:
    """' (bar YYYY-MM-DD)' for the bar a strategy (or indicator) was on; '' when it cannot be told."""
    try:
        import backtrader as bt

        if len(strategy) == 0:  # in __init__ (nothing read yet): [0] would wrap around to the last bar
            return ""
        when = strategy.data.datetime[0]
        return f" (bar {bt.num2date(when).date().isoformat()})"
    except Exception:  # a half-built object or not a line object at all: say nothing rather than guess
        return ""


def _hint(exc: BaseException) -> str:
    if isinstance(exc, IndexError) and "array index out of range" in str(exc):
        return " (a read past the last bar: a look-ahead?)"
    return ""


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


def source_sha256(path: str | Path) -> str:
    """sha256 of the file's source as the manifest pins it (`strategy_source_sha256`: the text Python's
    `inspect.getsource` gives for the loaded module: universal newlines, a final newline), without loading it."""
    import tokenize

    try:
        with tokenize.open(Path(path)) as fh:
            text = fh.read()
    except FileNotFoundError:
        raise StrategyFileError("strategy file not found") from None
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        raise StrategyFileError(f"cannot read ({getattr(exc, 'strerror', None) or exc.__class__.__name__})") from None
    if text and not text.endswith("\n"):
        text += "\n"
    return hashlib.sha256(text.encode()).hexdigest()


def strategies_in_file(path: str | Path) -> dict[str, type[NoteStrategy]]:
    """Every NoteStrategy subclass the file defines, by its `name`; the module is loaded once per content."""
    path = Path(path).expanduser().resolve()
    source = read_source(path)
    sha = hashlib.sha256(source).hexdigest()
    key = (str(path), sha)
    if key not in _LOADED:
        _LOADED[key] = _load(path, source, sha)
        _MODULES[key] = sys.modules[f"{USER_MODULE_PREFIX}{sha[:16]}"]
    # Files of one content share a module name: the file asked for now is the one registered under it, so that
    # inspect.getsource (the manifest's source hash) reads this file, not another copy since deleted.
    sys.modules[_MODULES[key].__name__] = _MODULES[key]
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
    module_name = f"{USER_MODULE_PREFIX}{sha[:16]}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    _USER_FILES.add(str(path))
    # argparse at the top of the file would read rtybt's own arguments: it sees none instead. What the file
    # prints while it loads is held back: an argparse error's usage text must not break the one-line error.
    argv, sys.argv = sys.argv, [str(path)]
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            exec(code, module.__dict__)
    except (Exception, SystemExit) as exc:  # Ctrl-C and SIGTERM are not the file's: they pass
        sys.modules.pop(module_name, None)
        error = user_code_error(exc)
        said = [line for line in printed.getvalue().splitlines() if line.strip()]
        if isinstance(exc, SystemExit) and said:
            error = StrategyCodeError(f"{error} (it printed: {said[-1].strip()[:160]})", error.detail)
        raise error from exc
    finally:
        sys.argv = argv
    if printed.getvalue():
        sys.stderr.write(printed.getvalue())  # loaded fine: what it printed is the user's to see
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
