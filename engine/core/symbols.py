"""Config stage helper: what a market symbol may be (it names a file in the data directory)."""

from __future__ import annotations

# Yahoo symbols are a few characters (^RUT, RTY=F, BRK-B); a longer one is a mistake, and a file name
# of hundreds of bytes fails in the file system (ENAMETOOLONG) rather than with a clear line.
MAX_SYMBOL_CHARS = 32


def symbol_problem(symbol: str) -> str | None:
    """Why `symbol` cannot name a file in the data directory, or None when it can."""
    if not symbol or not symbol.strip():
        return "must not be empty"
    if "/" in symbol or "\\" in symbol or symbol.startswith("."):
        return "must be a ticker like ^RUT or RTY=F, not a path"
    if len(symbol) > MAX_SYMBOL_CHARS:
        return f"is {len(symbol)} characters long; a ticker has at most {MAX_SYMBOL_CHARS}"
    if any(not ch.isprintable() or ch.isspace() for ch in symbol):
        return "must not contain spaces or control characters"
    return None
