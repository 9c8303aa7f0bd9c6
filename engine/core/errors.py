"""Error family: every bad input raises a subclass of UserError (the CLI maps it to exit code 2)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

MAX_MESSAGE_CHARS = 600
FIX = "\n  fix: "  # starts an error's second line, the only one it may have


class UserError(Exception):
    """A problem with what the user gave us (config, data, arguments): one line (at most one more, saying how to
    fix it), exit code 2."""

    def __init__(self, message: str, fix: str | None = None):
        # A message stays on one line: the CLI prints it as is, with no traceback. `fix`, when given, is the
        # one second line an error may have: how to put it right (the first says what is wrong).
        message, _, carried = str(message).partition(FIX)  # rebuilt from its text (unpickled): the same two lines
        fix = fix or carried
        text = _one_line(message)
        if fix:
            text += FIX + _one_line(fix)
        super().__init__(text)


def _one_line(message: str) -> str:
    """Whitespace collapsed; a bad value echoed in it (a pasted file, a header of NUL bytes) is cut in the
    middle: the file and the hint stay."""
    text = " ".join(str(message).split())
    if len(text) > MAX_MESSAGE_CHARS:
        cut = len(text) - MAX_MESSAGE_CHARS
        text = f"{text[:380]} [... {cut:,} characters ...] {text[-160:]}"  # under the limit: idempotent
    return text


class ConfigError(UserError):
    """The config file, a --set override or a parameter is invalid."""


class DataError(UserError):
    """Bars are missing, unreadable or fail validation under the configured policy."""


class StrategyError(UserError):
    """Unknown strategy or strategy parameter, or a user's strategy code that raised (on import, in
    `__init__`, `next`, an exit rule, an indicator): the message names the file, line and function; the
    original exception is `__cause__` and its full traceback `detail` (the CLI prints it with -v)."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail  # kept through pickling (a pool worker's error), unlike __cause__


class ResultsError(UserError):
    """A results directory cannot be written or read."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a close match exists, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class StoreNote(UserWarning):
    """A stored entry was not reused (damaged, edited or made from other inputs) and is recomputed, or code a
    stored run names was not loaded: one line on stderr from the CLI, a warning from Python."""
