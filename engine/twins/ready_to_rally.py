"""Twins stage: ready_to_rally vectorised (strategies/ready_to_rally.py) without the pivot detector: MA and
absolute-level stops, the trend-MA or absolute target, the absolute rejection exit. Swing-low stops and
detected zones stay with Backtrader."""

from __future__ import annotations

import numpy as np

from rtybt.engine.analysis.indicators import exact_rsi, exact_sma, run_length
from rtybt.engine.twins.bars import BarArrays
from rtybt.engine.twins.params import LEVEL_INERT, TwinParams
from rtybt.engine.twins.simulate import Plan


def consecutive_above(close: np.ndarray, line: np.ndarray, period: int) -> np.ndarray:
    """signals.ConsecutiveAbove as Backtrader computes it: its first value adds 1 to an unset (NaN) previous
    value, so the count stays NaN until the first close at or below the line."""
    with np.errstate(invalid="ignore"):
        above = close > line
    count = run_length(above).astype(float)
    start = period - 1
    at_or_below = np.flatnonzero(~above[start:])
    unset_until = start + int(at_or_below[0]) if len(at_or_below) else len(close)
    count[start:unset_until] = np.nan
    count[:start] = np.nan
    return count


class Planner:
    strategy = "ready_to_rally"
    reads = (
        "fast_ma_period", "trend_ma_period", "hold_bars", "rsi_period", "rsi_min", "confirm_mode",
        "confirm_level", "target_level", "stop_level", "ma_stop", "swing_stop", "reject_exit",
        "resistance_low", "reject_pct",
    )
    inert = LEVEL_INERT

    def __init__(self, bars: BarArrays):
        self.bars = bars

    @staticmethod
    def declines(p: TwinParams) -> str | None:
        if p.swing_stop:
            return "swing_stop (pivot-detected swing low) has no vectorised twin"
        if p.confirm_mode == "zone":
            return "confirm_mode zone (pivot-detected resistance) has no vectorised twin"
        if p.reject_exit and p.resistance_low is None:
            return "reject_exit on a detected zone has no vectorised twin"
        return None

    def plan(self, p: TwinParams) -> Plan:
        b = self.bars
        close, n = b.close, b.n
        fast_p, trend_p, rsi_p = int(p.fast_ma_period), int(p.trend_ma_period), int(p.rsi_period)
        fast, trend = exact_sma(close, fast_p), exact_sma(close, trend_p)
        rsi = exact_rsi(close, rsi_p)
        held = consecutive_above(close, fast, fast_p)
        first = max(trend_p, rsi_p + 1, fast_p) - 1
        with np.errstate(invalid="ignore"):
            setup = (close < trend) & (held >= int(p.hold_bars)) & (rsi > float(p.rsi_min))
            if p.confirm_mode == "absolute":
                setup &= close > float(p.confirm_level)
            setup[:first] = False
            # "fresh": the first bar of a setup; the strategy starts with no setup before its first bar.
            fresh = setup.copy()
            fresh[1:] &= ~setup[:-1]
            stop = np.zeros(n, dtype=bool)
            if p.ma_stop:
                stop |= close < fast
            if p.stop_level is not None:
                stop |= close < float(p.stop_level)
            target_line = trend if p.target_level is None else np.full(n, float(p.target_level))
            target = b.high >= target_line  # NaN (no target yet) compares False, as target_reached skips it
            exits = stop | target
            if p.reject_exit:
                edge = float(p.resistance_low)
                exits |= (b.high >= edge) & (close <= edge * (1.0 - float(p.reject_pct) / 100.0))
        return Plan(first_bar=first, entry_bars=np.flatnonzero(fresh), exit_bars=np.flatnonzero(exits))
