"""Twins stage: which of its strategy's parameters a twin reproduces, checked against the strategy's Param spec.

Each twin's Planner declares `strategy` (the registry name it mirrors), `reads` (the parameters its plan
reads; attribute access through TwinParams, nothing else) and `inert` (parameters that cannot change its
trades, with the reason). Every other parameter of the strategy's spec is declined when a variant sets it
away from its default: the variant runs in Backtrader with a note, so a parameter added to a strategy can
never be silently ignored by its twin.
"""

from __future__ import annotations

from functools import cache
from typing import Any

# What the level-based twins (breakout, rejection, ready-to-rally) never need: the pivot detector's settings,
# read only by modes those twins decline, and the absolute levels' validity window, a config-time check.
_DETECTOR_ONLY = "only the pivot detector reads it, and every mode that uses the detector is declined"
_WINDOW_ONLY = "checked against the data window when the config is read; no effect on trades"
LEVEL_INERT = {
    "pivot_bars": _DETECTOR_ONLY,
    "tolerance_pct": _DETECTOR_ONLY,
    "zone_lookback": _DETECTOR_ONLY,
    "levels_valid_from": _WINDOW_ONLY,
    "levels_valid_to": _WINDOW_ONLY,
}


class TwinSpecError(RuntimeError):
    """A twin's declaration names a strategy or parameter that does not exist (a programming error)."""


class TwinParams:
    """A variant's parameters as a twin's plan reads them: `p.ma_period`, and only the names in `reads`."""

    __slots__ = ("_values", "_strategy")

    def __init__(self, strategy: str, values: dict[str, Any]):
        object.__setattr__(self, "_strategy", strategy)
        object.__setattr__(self, "_values", dict(values))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"the {self._strategy} twin does not declare {name!r} in `reads`") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("twin parameters are read-only")


def _spec(strategy: str) -> dict:
    from rtybt.strategies import (
        STRATEGIES,  # the registry loads Backtrader: only when a twin is first checked
    )

    if strategy not in STRATEGIES:
        raise TwinSpecError(f"twin for {strategy!r}: no such strategy in the registry")
    return {p.name: p for p in STRATEGIES[strategy].spec}


@cache
def checked_spec(planner: type) -> dict:
    """The strategy's spec by name, once the twin's declaration has been checked against it."""
    spec = _spec(planner.strategy)
    reads, inert = set(planner.reads), set(planner.inert)
    unknown = sorted((reads | inert) - set(spec))
    if unknown:
        raise TwinSpecError(f"{planner.strategy} twin declares {', '.join(unknown)}: not parameters of the strategy")
    if reads & inert:
        raise TwinSpecError(f"{planner.strategy} twin declares {', '.join(sorted(reads & inert))} both read and inert")
    return spec


def twin_params(planner: type, params: dict[str, Any]) -> TwinParams:
    """The declared parameters of one variant (the spec's default where the dict leaves one out)."""
    spec = checked_spec(planner)
    return TwinParams(planner.strategy, {name: params.get(name, spec[name].default) for name in planner.reads})


def decline_reason(planner: type, params: dict[str, Any]) -> str | None:
    """Why this twin cannot reproduce these parameters (None when it can): a parameter it does not declare set
    away from its default, or a value its own `declines` refuses."""
    spec = checked_spec(planner)
    declared = set(planner.reads) | set(planner.inert)
    foreign = [f"{name}={params[name]!r}" for name, p in spec.items()
               if name not in declared and name in params and params[name] != p.default]
    if foreign:
        return f"{', '.join(foreign)} not reproduced by the vectorised twin"
    declines = getattr(planner, "declines", None)
    return declines(twin_params(planner, params)) if declines else None
