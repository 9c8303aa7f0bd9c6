"""Python API stage: a function's arguments checked as the CLI checks its options, and errors that name them.

The CLI's parser refuses `--k abc` before a command runs; a Python caller passes anything, so each API
function checks its arguments' types here first (a ConfigError naming the argument, never a TypeError from
deep inside). The commands phrase their own errors for the command line (`--k 0: ...`); `api_errors` words
them for a Python caller (`k=0: ...`), so a message names what the caller actually passed.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date as Date
from pathlib import Path

from rtybt.engine.core.errors import ConfigError, UserError

# The CLI flag each API argument stands for (also the flags a command's message may name).
FLAG_ARGUMENTS = {
    "--k": "k", "--horizon": "horizon", "--date": "date", "--symbol": "symbol", "--history": "history",
    "--peers": "peers", "--data-dir": "data_dir", "--metric": "metric", "--heatmap": "heatmap",
    "--symbols": "symbols", "--grid": "grid", "--set": "overrides", "--top": "top", "--workers": "workers",
    "--cluster": "cluster", "--confirm-top": "confirm_top", "--rerun": "rerun", "--screen": "screen",
    "--resume": "resume", "--update": "update",
}
_FLAG = re.compile(r"(?<![\w/-])(--[a-z][a-z-]*)(?: ([^\s:;,()]+))?(?=(:)?)")


def api_message(text: str) -> str:
    """A command's message for a Python caller: `--k 0: ...` -> `k=0: ...`, `--date: ...` -> `date: ...`."""

    def word(match: re.Match) -> str:
        flag, value, colon = match.group(1), match.group(2), match.group(3)
        name = FLAG_ARGUMENTS.get(flag)
        if name is None:
            return match.group(0)
        if value is not None and colon:
            return f"{name}={value}"
        return name + (f" {value}" if value is not None else "")

    return _FLAG.sub(word, text)


@contextmanager
def api_errors() -> Iterator[None]:
    """Re-raise a UserError (same class, same traceback) with its message worded for a Python caller."""
    try:
        yield
    except UserError as exc:
        worded = api_message(str(exc))
        if worded != str(exc):
            exc.args = (worded,)
        raise


def _described(value) -> str:
    """What the caller passed, in words: never Python's repr of None, True or a type."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, numbers.Number):
        return f"the number {value}"
    return f"a {type(value).__name__}"


def whole_number(name: str, value, minimum: int | None = None, optional: bool = False) -> None:
    """An int (a numpy integer too; never a bool, a float or text), at least `minimum`."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ConfigError(f"{name}: expected a whole number, got {_described(value)}")
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value}: must be at least {minimum}")


def text(name: str, value, optional: bool = False, example: str = "") -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        hint = f", e.g. {example}" if example else ""
        raise ConfigError(f"{name}: expected a non-empty text{hint}, got {_described(value)}")


def texts(name: str, value, optional: bool = True, example: str = "") -> None:
    """A comma-separated text or a list of texts."""
    if value is None and optional:
        return
    if isinstance(value, str):
        return
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{name}: expected a list of symbols or a comma-separated text, e.g. {example}, "
                          f"got {_described(value)}")


def flag(name: str, value) -> None:
    if not isinstance(value, bool):
        raise ConfigError(f"{name}: expected a yes/no value (a bool), got {_described(value)}")


def day(name: str, value) -> None:
    """A date: YYYY-MM-DD text or a date object (a datetime's day), or nothing for the last bar."""
    if value is None or isinstance(value, Date):
        return
    if not isinstance(value, str):
        raise ConfigError(f"{name}: expected a date as YYYY-MM-DD (e.g. 2025-05-08), got {_described(value)}")


def path(name: str, value, optional: bool = True) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str | Path):
        raise ConfigError(f"{name}: expected a path, got {_described(value)}")
