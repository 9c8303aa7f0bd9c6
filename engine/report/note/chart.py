"""Report stage: the note's chart — the instrument around the note's date with the note's own levels and bands."""

from __future__ import annotations

import numpy as np
import pandas as pd

MONTHS_BEFORE, MONTHS_AFTER = 9, 3
COLORS = {"resistance": "#b42318", "support": "#1a7f37"}


def level_sides(note, close: float) -> list[tuple[object, str]]:
    """Each level of the table with where it stood on the note's date: above or below the close (or around it)."""
    out = []
    for level in (note.levels.table if note.levels else []):
        side = "above" if level.low > close else "below" if level.high < close else "around"
        out.append((level, side))
    return out


def wrong_side(level, side: str) -> bool:
    """A resistance below the close or a support above it, on the note's date."""
    return (level.type == "resistance" and side == "below") or (level.type == "support" and side == "above")


def note_chart_png(result) -> bytes:
    from rtybt.engine.analysis.indicators import sma
    from rtybt.engine.report.run.figures import fit, pyplot, to_png

    plt = pyplot()
    note, frame = result.note, result.bars[result.note.instrument.symbol].frame
    on = pd.Timestamp(result.bar_date)
    close_all = frame["close"].to_numpy(dtype=float)
    averages = {ma.period: sma(close_all, ma.period) for ma in note.readings.moving_averages} or {
        50: sma(close_all, 50), 200: sma(close_all, 200)}
    window = (frame.index >= on - pd.DateOffset(months=MONTHS_BEFORE)) & (frame.index <= on + pd.DateOffset(months=MONTHS_AFTER))
    dates, close = frame.index[window], close_all[window]
    before = dates <= on
    fig, ax = plt.subplots(figsize=(12, 5.4))
    ax.plot(dates[before], close[before], color="#1b1f24", lw=1.3, label=f"{note.instrument.symbol} close")
    ax.plot(dates[~before], close[~before], color="#8a8f98", lw=1.1, label="after the note (not known on its date)")
    for (period, values), color in zip(averages.items(), ("#1f5fa8", "#9a6700", "#6f42c1"), strict=False):
        ax.plot(dates, values[window], color=color, lw=1.0, ls="--", label=f"{period}-day SMA")
    today = float(close_all[frame.index.get_loc(on)])
    for level, side in level_sides(note, today):
        color = COLORS[level.type]
        if level.band:
            ax.axhspan(level.low, level.high, color=color, alpha=0.13, lw=0)
        else:
            ax.axhline(level.price, color=color, lw=0.9, alpha=0.8)
        flag = " (wrong side!)" if wrong_side(level, side) else ""
        span = f"{level.low:,.0f}" if level.low == level.high else f"{level.low:,.0f}–{level.high:,.0f}"
        label = level.label if len(level.label) <= 26 else level.label[:25].rstrip() + "…"
        ax.annotate(f"{span} {label}{flag}", xy=(1.0, (level.low + level.high) / 2),
                    xycoords=("axes fraction", "data"), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=8.5, color=color)
    ax.axvline(on, color="#1f5fa8", lw=0.8, alpha=0.6)
    ax.annotate(f"the note: {result.bar_date}", xy=(on, 1.0), xycoords=("data", "axes fraction"),
                xytext=(3, -12), textcoords="offset points", fontsize=8.5, color="#1f5fa8")
    ax.scatter([on], [today], color="#1f5fa8", zorder=5, s=18)
    lows = [lv.low for lv, _ in level_sides(note, today)]
    highs = [lv.high for lv, _ in level_sides(note, today)]
    finite = close[np.isfinite(close)]
    ax.set_ylim(min([finite.min(), *lows]) * 0.98, max([finite.max(), *highs]) * 1.02)
    ax.set_title(f"{note.instrument.symbol} around the note's date, with the note's levels")
    ax.legend(loc="upper left", fontsize=8.5)
    fit(fig, right=0.74, left=0.06)
    return to_png(fig)
