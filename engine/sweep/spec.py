"""Config stage: the `sweep:` and `walkforward:` sections (grids, ranking metric, windows)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from engine.section import Section

# Metrics a sweep can rank by, and whether larger is better.
RANKABLE = {
    "sharpe": True, "sortino": True, "cagr": True, "total_return": True, "calmar": True,
    "max_drawdown": True,  # drawdowns are negative: the largest (closest to 0) is best
    "profit_factor": True, "win_rate": True, "avg_trade_return": True,
}


class _Section(Section):
    pass


class _RankedSection(_Section):
    """A section with a `metric` field that must be one of RANKABLE (sweeps and walk-forward alike)."""

    @field_validator("metric", check_fields=False)
    @classmethod
    def _known_metric(cls, metric):
        if metric not in RANKABLE:
            raise ValueError(f"unknown metric {metric!r}; known: {', '.join(RANKABLE)}")
        return metric


class SweepConfig(_RankedSection):
    grid: dict[str, list[Any]] = Field(
        default_factory=dict, description="strategy parameter -> values to try; every combination is run"
    )
    metric: str = Field("sharpe", description=f"metric that ranks variants: {', '.join(RANKABLE)}")
    top: int = Field(5, ge=1, le=100, description="best variants shown in the comparison report")

    @field_validator("grid")
    @classmethod
    def _non_empty_lists(cls, grid):
        for key, values in grid.items():
            if not values:
                raise ValueError(f"{key}: empty list of values (give at least one)")
        return grid


class WalkForwardConfig(_RankedSection):
    train_bars: int = Field(1260, ge=50, description="in-sample window length, bars (1260 ~ 5 years)")
    test_bars: int = Field(252, ge=5, description="out-of-sample window length, bars (252 ~ 1 year)")
    anchored: bool = Field(False, description="true: every in-sample window starts at the first bar")
    metric: str = Field("sharpe", description=f"metric that picks the in-sample winner: {', '.join(RANKABLE)}")
    # Metrics need a few trades to mean anything; windows whose winner traded less are still used, but flagged.
    min_trades: int = Field(1, ge=0, description="in-sample trades below which a window's choice is flagged")
