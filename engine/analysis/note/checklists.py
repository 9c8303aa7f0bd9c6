"""Analysis stage: the note's Bull Case and Bear Case checklists, item by item, on one bar's close.

Each item of the note is either computable from the symbol's daily bars (status true/false, with the
evidence) or not (status null, `computable: false`): rates, inflation, breadth, risk appetite and
earnings need data that price bars do not hold, so those items are shown but never counted.
Rules (defaults in SnapshotSettings; "MA" = simple moving average of closes):
  reclaim_50      close > fast MA now, at least `reclaim_min_closes` of the last `reclaim_window` closes
                  above it, and at least one close at or below it in the `reclaim_lookback` bars before
                  that window (a reclaim, not a long-standing trend).
  bullish_candles at least `candle_min_count` strong bullish candles in the last `candle_window` bars;
                  strong = close > open, body >= `candle_body_frac` of the high-low range, and the body at
                  least the average body (|close - open|) of the `candle_avg_bars` bars before it.
  rsi_breakout    RSI >= `rsi_min` (55) and rising over `rsi_slope_bars`; "confirmed" once >= `rsi_bullish` (60).
  upside_target   close below the slow MA with the slow MA at most `target_reach_pct` above: the 200-day test.
  under_200       close below the slow MA.
  overhead_rejection  a detected resistance zone (swing pivots) starts at most `resistance_near_pct` above
                  the close, or the close is inside one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rtybt.engine.analysis.price_range import price_range

BULL_NOTE = {
    "reclaim_50": "Reclaim of 50-day MA",
    "bullish_candles": "strong bullish candles",
    "rsi_breakout": "RSI breakout nearing confirmation.",
    "rate_environment": "Small caps favored in inflation rollover / rate peak environments.",
    "upside_target": "Upside target: 2,150–2,200 (200-day test).",
}
BEAR_NOTE = {
    "under_200": "Price still under 200-day MA — macro trend not yet reversed.",
    "overhead_rejection": "Potential overhead rejection at 2,050–2,100 resistance zone.",
    "risk_appetite": "Broader risk appetite still fragile; earnings growth sluggish in small cap space.",
}
NOT_FROM_BARS = {
    "rate_environment": "needs inflation and interest-rate data, not in price bars",
    "risk_appetite": "needs market breadth, risk-appetite and earnings data, not in price bars",
}


@dataclass(frozen=True)
class Item:
    key: str
    case: str
    note: str
    status: bool | None
    evidence: str

    def __post_init__(self):
        # numpy comparisons give np.bool_, which JSON cannot encode and `is True` does not match.
        if self.status is not None:
            object.__setattr__(self, "status", bool(self.status))

    @property
    def computable(self) -> bool:
        return self.status is not None

    def to_dict(self) -> dict:
        return {
            "key": self.key, "case": self.case, "note": self.note, "status": self.status,
            "computable": self.computable, "evidence": self.evidence,
        }


@dataclass(frozen=True)
class BarContext:
    """What the checklist rules read: bars up to and including the snapshot bar (index -1), and readings."""

    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    sma_fast: np.ndarray
    rsi_now: float
    rsi_then: float
    sma_slow_now: float
    nearest_resistance: tuple[float, float] | None


def reclaim_50(c: BarContext, s) -> Item:
    above = c.close > c.sma_fast
    window = above[-s.reclaim_window :]
    before = above[-(s.reclaim_window + s.reclaim_lookback) : -s.reclaim_window]
    closes_above = int(window.sum())
    was_below = bool((~before).any())
    status = bool(above[-1]) and closes_above >= s.reclaim_min_closes and was_below
    evidence = (
        f"close {c.close[-1]:,.1f} {'>' if above[-1] else '<='} {s.fast_ma}-day MA {c.sma_fast[-1]:,.1f}; "
        f"{closes_above} of the last {s.reclaim_window} closes above it (need {s.reclaim_min_closes}); "
        f"{'a' if was_below else 'no'} close at or below it in the {s.reclaim_lookback} bars before"
    )
    return Item("reclaim_50", "bull", BULL_NOTE["reclaim_50"], status, evidence)


def strong_bullish_candles(o, h, low, c, body_frac: float, avg_bars: int) -> np.ndarray:
    """Per bar: a bullish candle whose body fills `body_frac` of its range and beats the recent average body."""
    rng = h - low
    body = c - o
    typical = np.full(len(c), np.nan)
    if len(c) > avg_bars:
        windows = np.lib.stride_tricks.sliding_window_view(np.abs(body), avg_bars)
        typical[avg_bars:] = windows.mean(axis=1)[: len(c) - avg_bars]
    with np.errstate(invalid="ignore"):
        return (body > 0) & (body >= body_frac * rng) & (body >= typical)


def bullish_candles(c: BarContext, s) -> Item:
    strong = strong_bullish_candles(c.open, c.high, c.low, c.close, s.candle_body_frac, s.candle_avg_bars)
    count = int(strong[-s.candle_window :].sum())
    status = count >= s.candle_min_count
    evidence = (
        f"{count} strong bullish candle(s) in the last {s.candle_window} bars (need {s.candle_min_count}; "
        f"body >= {s.candle_body_frac:.0%} of range and >= the average body of the prior {s.candle_avg_bars})"
    )
    return Item("bullish_candles", "bull", BULL_NOTE["bullish_candles"], status, evidence)


def rsi_breakout(c: BarContext, s) -> Item:
    rising = c.rsi_now > c.rsi_then
    status = c.rsi_now >= s.rsi_min and rising
    stage = "confirmed (in the bullish zone)" if c.rsi_now >= s.rsi_bullish else "nearing confirmation"
    evidence = (
        f"RSI {c.rsi_now:.2f} (>= {s.rsi_min:g}: {'yes' if c.rsi_now >= s.rsi_min else 'no'}), "
        f"{'rising' if rising else 'not rising'} from {c.rsi_then:.2f} {s.rsi_slope_bars} bars ago"
        + (f"; {stage} (bullish zone {s.rsi_bullish:g})" if status else "")
    )
    return Item("rsi_breakout", "bull", BULL_NOTE["rsi_breakout"], status, evidence)


def upside_target(c: BarContext, s) -> Item:
    close = c.close[-1]
    gap_pct = (c.sma_slow_now / close - 1.0) * 100.0
    status = close < c.sma_slow_now and gap_pct <= s.target_reach_pct
    if close >= c.sma_slow_now:
        evidence = f"close {close:,.1f} already above the {s.slow_ma}-day MA {c.sma_slow_now:,.1f}: no 200-day test ahead"
    else:
        evidence = (
            f"{s.slow_ma}-day MA {c.sma_slow_now:,.1f} is {gap_pct:.1f}% above the close "
            f"(a target within {s.target_reach_pct:g}%: {'yes' if status else 'no'})"
        )
    return Item("upside_target", "bull", BULL_NOTE["upside_target"], status, evidence)


def under_200(c: BarContext, s) -> Item:
    close = c.close[-1]
    status = close < c.sma_slow_now
    evidence = f"close {close:,.1f} {'<' if status else '>='} {s.slow_ma}-day MA {c.sma_slow_now:,.1f}"
    return Item("under_200", "bear", BEAR_NOTE["under_200"], status, evidence)


def overhead_rejection(c: BarContext, s) -> Item:
    close = c.close[-1]
    if c.nearest_resistance is None:
        return Item("overhead_rejection", "bear", BEAR_NOTE["overhead_rejection"], False,
                    "no resistance zone from swing highs above the close")
    low, high = c.nearest_resistance
    gap_pct = max(0.0, (low / close - 1.0) * 100.0)
    status = gap_pct <= s.resistance_near_pct
    where = "inside it" if low <= close else f"{gap_pct:.1f}% below its lower edge"
    evidence = (
        f"nearest resistance zone {price_range(low, high)}; close {close:,.1f} is {where} "
        f"(near = within {s.resistance_near_pct:g}%)"
    )
    return Item("overhead_rejection", "bear", BEAR_NOTE["overhead_rejection"], status, evidence)


def not_from_bars(key: str, case: str) -> Item:
    note = (BULL_NOTE if case == "bull" else BEAR_NOTE)[key]
    return Item(key, case, note, None, f"not computable: {NOT_FROM_BARS[key]}; shown, never counted")


def evaluate(c: BarContext, s) -> tuple[list[Item], list[Item]]:
    """(bull case, bear case) in the note's order."""
    bull = [
        reclaim_50(c, s), bullish_candles(c, s), rsi_breakout(c, s),
        not_from_bars("rate_environment", "bull"), upside_target(c, s),
    ]
    bear = [under_200(c, s), overhead_rejection(c, s), not_from_bars("risk_appetite", "bear")]
    return bull, bear
