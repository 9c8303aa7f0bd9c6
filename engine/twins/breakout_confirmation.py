"""Twins stage: breakout_confirmation vectorised (strategies/breakout_confirmation.py), highest and absolute
levels; the detected-zone mode stays with Backtrader (its pivot detector is stateful)."""

from __future__ import annotations

import numpy as np

from rtybt.engine.analysis.indicators import exact_sma
from rtybt.engine.twins.bars import BarArrays
from rtybt.engine.twins.params import LEVEL_INERT, TwinParams
from rtybt.engine.twins.simulate import Plan


def rolling_max(values: np.ndarray, period: int) -> np.ndarray:
    """bt.ind.Highest: the max of the last `period` values, NaN before the window fills."""
    out = np.full(len(values), np.nan)
    if period <= len(values):
        out[period - 1 :] = np.lib.stride_tricks.sliding_window_view(values, period).max(axis=1)
    return out


class Planner:
    strategy = "breakout_confirmation"
    reads = (
        "level_mode", "breakout_level", "zone_low", "lookback_bars", "margin_pct", "consolidate_bars",
        "exit_ma_period",
    )
    inert = LEVEL_INERT

    def __init__(self, bars: BarArrays):
        self.bars = bars

    @staticmethod
    def declines(p: TwinParams) -> str | None:
        if p.level_mode == "zone":
            return "level_mode zone (pivot-detected resistance) has no vectorised twin"
        return None

    def plan(self, p: TwinParams) -> Plan:
        close, n = self.bars.close, self.bars.n
        margin = 1.0 + float(p.margin_pct) / 100.0
        consolidate = int(p.consolidate_bars)
        exit_ma = int(p.exit_ma_period)
        if p.level_mode == "highest":
            lookback = int(p.lookback_bars)
            level = np.full(n, np.nan)
            level[1:] = rolling_max(self.bars.high, lookback)[:-1]  # the level standing over the previous close
            valid_from = lookback
            consolidated = np.ones(n, dtype=bool)  # no zone edge to hold above in this mode
        else:
            level = np.full(n, float(p.breakout_level))
            valid_from = 0
            edge = p.zone_low if p.zone_low is not None else p.breakout_level
            above = close > float(edge)
            consolidated = np.ones(n, dtype=bool)
            for k in range(1, consolidate + 1):
                consolidated[k:] &= above[:-k]
            consolidated[:consolidate] = False
        with np.errstate(invalid="ignore"):
            broke = close > level * margin
            # Backtrader reads broke[-1] as NaN before its first valid bar, and NaN is truthy: no "first" break.
            before = np.ones(n, dtype=bool)
            before[1:] = broke[:-1]
            before[: valid_from + 1] = True
            entries = broke & ~before & consolidated
            exits = close < exact_sma(close, exit_ma)
        return Plan(
            first_bar=max(valid_from, consolidate, exit_ma - 1),
            entry_bars=np.flatnonzero(entries),
            exit_bars=np.flatnonzero(exits),
        )
