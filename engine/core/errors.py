"""Error family: every bad input raises a subclass of UserError (the CLI maps it to exit code 2)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

MAX_MESSAGE_CHARS = 600


class UserError(Exception):
    """A problem with what the user gave us (config, data, arguments): one line, exit code 2."""

    def __init__(self, message: str):
        # A message must stay on one line: the CLI prints it as is, with no traceback. A bad value echoed
        # in it (a pasted file, a header of NUL bytes) is cut in the middle: the file and the hint stay.
        text = " ".join(str(message).split())
        if len(text) > MAX_MESSAGE_CHARS:
            cut = len(text) - MAX_MESSAGE_CHARS
            text = f"{text[:380]} [... {cut:,} characters ...] {text[-160:]}"  # under the limit: idempotent
        super().__init__(text)


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
