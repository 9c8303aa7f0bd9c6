"""Analysis stage: a price zone as text, one value when its edges print the same at the shown precision."""

from __future__ import annotations


def price_range(low: float, high: float, decimals: int = 1) -> str:
    """`2,050.0–2,100.0`, or `2,058.2` for a zone whose edges round to the same figure (never `x–x`)."""
    lo, hi = f"{low:,.{decimals}f}", f"{high:,.{decimals}f}"
    return lo if lo == hi else f"{lo}–{hi}"
