"""Twins stage: vectorised twins of the strategies, held to Backtrader trade for trade (tests/engine/twins).

The registry maps a strategy name to its twin's planner: `planner(bars).plan(params) -> Plan`, which may
share work across the variants of a grid (one SMA per period, reused by every other parameter). A strategy
missing here is screened by Backtrader itself, with a note saying so.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.twins import (
    breakout_confirmation,
    golden_cross,
    ma_reclaim,
    macd_cross,
    ready_to_rally,
    resistance_rejection,
    rsi_momentum,
)
from engine.twins.bars import BarArrays

TWINS: dict[str, Callable[[BarArrays], object]] = {
    "ma_reclaim": ma_reclaim.Planner,
    "golden_cross": golden_cross.Planner,
    "macd_cross": macd_cross.Planner,
    "rsi_momentum": rsi_momentum.Planner,
    "breakout_confirmation": breakout_confirmation.Planner,
    "resistance_rejection": resistance_rejection.Planner,
    "ready_to_rally": ready_to_rally.Planner,
}


def get_planner(name: str):
    return TWINS.get(name)


def get_twin(name: str):
    """plan(bars, params) for one variant, or None when the strategy has no twin."""
    planner = TWINS.get(name)
    if planner is None:
        return None
    return lambda bars, params: planner(bars).plan(params)


__all__ = ["TWINS", "get_planner", "get_twin"]
