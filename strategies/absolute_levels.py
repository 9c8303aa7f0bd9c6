"""Absolute levels from a note: the date window in which those prices mean something, checked at config time."""

from __future__ import annotations

from datetime import date

from rtybt.strategies.params import Param

# Every strategy that accepts absolute price levels declares these two parameters.
WINDOW_SPEC = (
    Param("levels_valid_from", None, "date", "first date the absolute levels are meaningful (required with absolute levels)",
          optional=True, value_type=date),
    Param("levels_valid_to", None, "date", "last date the absolute levels are meaningful (required with absolute levels)",
          optional=True, value_type=date),
)


def check_window_params(p: dict, uses_absolute: bool, what: str) -> None:
    """Absolute levels need their validity window; relative levels must not carry one (it would be ignored)."""
    start, end = p["levels_valid_from"], p["levels_valid_to"]
    if uses_absolute:
        if start is None or end is None:
            raise ValueError(
                f"{what} uses absolute price levels: set levels_valid_from and levels_valid_to to the dates "
                "where those prices are meaningful (e.g. around the note's date)"
            )
        if end < start:
            raise ValueError(f"levels_valid_to {end} is before levels_valid_from {start}")
    elif start is not None or end is not None:
        raise ValueError("levels_valid_from/levels_valid_to only apply to absolute levels")


def check_window_dates(p: dict, uses_absolute: bool, data_start: date | None, data_end: date | None) -> None:
    """A run with absolute levels must name its dates explicitly, inside the levels' window.

    A 2025 level of 2,100 means nothing in 1995 (^RUT near 300) or after a decade of drift; running it
    over the whole history would fire at meaningless times, so the config is refused instead.
    """
    if not uses_absolute:
        return
    lo, hi = p["levels_valid_from"], p["levels_valid_to"]
    if data_start is None or data_end is None:
        raise ValueError(
            f"absolute levels are valid {lo} to {hi}: set data.start and data.end explicitly inside that window"
        )
    if data_start < lo or data_end > hi:
        raise ValueError(
            f"data.start {data_start} / data.end {data_end} go outside the window where the absolute levels are "
            f"meaningful ({lo} to {hi}, strategy.params.levels_valid_from/to)"
        )
