"""Twins stage: vectorised twins of the strategies, held to Backtrader trade for trade (tests/engine/twins).

The registry maps a strategy name to its twin's `plan(bars, params) -> Plan`; a strategy missing here is
screened by Backtrader itself, with a note saying so.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.twins import ma_reclaim
from engine.twins.bars import BarArrays
from engine.twins.simulate import Plan

PlanFn = Callable[[BarArrays, dict], Plan]

TWINS: dict[str, PlanFn] = {
    "ma_reclaim": ma_reclaim.plan,
}


def get_twin(name: str) -> PlanFn | None:
    return TWINS.get(name)


__all__ = ["TWINS", "get_twin"]
