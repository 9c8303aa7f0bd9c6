"""Report stage: the note's chart: price with the 50/200-day MAs, RSI(14) with the 55 line, zones, entries/exits."""

from __future__ import annotations

import pandas as pd

from engine.analysis.indicators import sma, wilder_rsi
from engine.report.figures import fit, pyplot, to_png

RSI_LINE = 55.0  # the note: "RSI (14): 58.26 — gaining momentum, approaching bullish zone"


def note_chart_png(bars: pd.DataFrame, trades: pd.DataFrame, title: str, zones=(), start=None,
                   zone_bars: int = 250) -> bytes:
    """The chart as PNG bytes (see `note_chart_figure`)."""
    return to_png(note_chart_figure(bars, trades, title, zones, start, zone_bars))


def note_chart_figure(bars: pd.DataFrame, trades: pd.DataFrame, title: str, zones=(), start=None,
                      zone_bars: int = 250):
    """The chart from `start` (default: the first bar) as a matplotlib Figure; MAs and RSI are computed on
    the whole history first."""
    plt = pyplot()
    close = bars["close"]
    values = close.to_numpy(dtype=float)
    ma50 = pd.Series(sma(values, 50), index=close.index)
    ma200 = pd.Series(sma(values, 200), index=close.index)
    rsi = pd.Series(wilder_rsi(values, 14), index=close.index)
    window = slice(pd.Timestamp(start), None) if start is not None else slice(None)
    c, m50, m200, r = close.loc[window], ma50.loc[window], ma200.loc[window], rsi.loc[window]
    fig, (ax, ax_rsi) = plt.subplots(2, 1, figsize=(11, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    ax.plot(c.index, c.to_numpy(), color="#222", lw=0.9, label="close")
    ax.plot(m50.index, m50.to_numpy(), color="#1f77b4", lw=1.1, label="50-day MA")
    ax.plot(m200.index, m200.to_numpy(), color="#d62728", lw=1.1, label="200-day MA")
    # Zones are detected from the pivots of the last `zone_bars` bars: drawn over those bars only.
    zone_span = close.index[[max(0, len(close) - 1 - zone_bars), len(close) - 1]]
    for zone in zones:
        color = "#c0392b" if zone.kind == "resistance" else "#27ae60"
        pad = max(0.0, 0.002 * zone.mid - (zone.high - zone.low)) / 2  # a one-pivot zone is still visible
        ax.fill_between(zone_span, zone.low - pad, zone.high + pad, color=color, alpha=0.25, lw=0)
    for kind, color in (("resistance", "#c0392b"), ("support", "#27ae60")):
        if any(z.kind == kind for z in zones):
            ax.plot([], [], color=color, alpha=0.3, lw=6, label=f"{kind} zone")
    first = c.index[0] if len(c) else None
    if len(trades) and first is not None:
        entries = trades[pd.to_datetime(trades["entry_date"]) >= first]
        exits = trades[trades["exit_date"].notna()]
        exits = exits[pd.to_datetime(exits["exit_date"]) >= first]
        ax.scatter(pd.to_datetime(entries["entry_date"]), entries["entry_price"], marker="^", color="#27ae60",
                   s=28, zorder=5, label=f"entry ({len(entries)})")
        ax.scatter(pd.to_datetime(exits["exit_date"]), exits["exit_price"], marker="v", color="#c0392b",
                   s=28, zorder=5, label=f"exit ({len(exits)})")
    if start is None:
        ax.set_yscale("log")
    ax.set_ylabel("index points" + (" (log)" if start is None else ""))
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8, ncol=2)
    ax.grid(alpha=0.3)
    ax_rsi.plot(r.index, r.to_numpy(), color="#8e44ad", lw=0.8)
    ax_rsi.axhline(RSI_LINE, color="#e67e22", lw=1.0, ls="--", label=f"RSI {RSI_LINE:g}")
    ax_rsi.set_ylim(0, 100)
    ax_rsi.set_ylabel("RSI(14)")
    ax_rsi.legend(loc="upper left", fontsize=8)
    ax_rsi.grid(alpha=0.3)
    fit(fig, top=0.94, bottom=0.06, hspace=0.08)
    return fig
