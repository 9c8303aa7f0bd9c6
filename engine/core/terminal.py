"""Foundation: text from files made safe for a terminal: the one escaping function at the output boundary.

A CSV header, a date cell, a symbol or a strategy name can hold terminal control sequences (`ESC ]0;...`
retitles the window, others move the cursor or rewrite what was printed). The CLI's error printer, its
notes, its tables and its status line pass their text through `printable` (multi-line output) or
`printable_line` (one line) so such bytes show as `\\x1b`, never act.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidi overrides that reorder what is shown.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control character written as an escape (`\\x1b`); tabs and line breaks kept."""
    return _CONTROL.sub(_escape, str(text))


def printable_line(text: str) -> str:
    """`printable` for a one-line message: line breaks escaped too."""
    return _CONTROL_LINE.sub(_escape, str(text))
