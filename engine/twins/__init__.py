"""Twins stage: vectorised twins of the strategies, held to Backtrader trade for trade (tests/engine/twins).

The registry maps a strategy name to its twin's planner: `planner(bars).plan(params) -> Plan`, which may
share work across the variants of a grid (one SMA per period, reused by every other parameter). Each planner
declares the strategy parameters it reproduces (engine/twins/params.py); a variant setting any other one,
and a strategy missing here, are screened by Backtrader itself, with a note saying so.
"""

from __future__ import annotations

from collections.abc import Callable

from rtybt.engine.twins import (
    breakout_confirmation,
    golden_cross,
    ma_reclaim,
    macd_cross,
    ready_to_rally,
    resistance_rejection,
    rsi_momentum,
)
from rtybt.engine.twins.bars import BarArrays
from rtybt.engine.twins.params import twin_params

# Keyed by the strategy each twin declares (engine/twins/params.py checks it against the registry).
TWINS: dict[str, Callable[[BarArrays], object]] = {
    planner.strategy: planner
    for planner in (
        ma_reclaim.Planner,
        golden_cross.Planner,
        macd_cross.Planner,
        rsi_momentum.Planner,
        breakout_confirmation.Planner,
        resistance_rejection.Planner,
        ready_to_rally.Planner,
    )
}


def get_planner(name: str):
    return TWINS.get(name)


def get_twin(name: str):
    """plan(bars, params) for one variant, or None when the strategy has no twin."""
    planner = TWINS.get(name)
    if planner is None:
        return None
    return lambda bars, params: planner(bars).plan(twin_params(planner, params))


__all__ = ["TWINS", "get_planner", "get_twin"]
