"""Config stage: the `sweep:`, `walkforward:` and `study:` sections (grids, ranking metric, windows, markets), owned by engine.config."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from rtybt.engine.core.section import Section

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


# -- study: the symbols a study runs on and the regimes it splits by --
REGIME_KINDS = ("vix", "trend", "decade")


def check_study_symbol(symbol: str) -> str:
    """A study symbol names a data file, as data.symbol does: a ticker, never a path."""
    name = symbol.strip()
    # The rule of engine.data.locate.symbol_file, which the config stage may not import (data comes after it).
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"{symbol!r} must be a ticker like ^RUT or RTY=F, not a path")
    return name


class RegimeConfig(_Section):
    """Conditions known at a setup's close that split the event study."""

    by: list[Literal["vix", "trend", "decade"]] = Field(
        list(REGIME_KINDS), description="splits: vix (above/below a level), trend (close vs its MA), decade"
    )
    vix_symbol: str = Field("^VIX", description="volatility index whose close at the setup labels the vix split")
    vix_threshold: float = Field(20.0, gt=0, description="vix split: setups with the VIX close above this vs at or below")
    trend_ma_period: int = Field(200, ge=2, le=1000, description="trend split: close above vs at or below this SMA, bars")

    @field_validator("vix_symbol")
    @classmethod
    def _vix_ticker(cls, value):
        return check_study_symbol(value)

    @field_validator("by")
    @classmethod
    def _unique(cls, value):
        return list(dict.fromkeys(value))


class StudyConfig(_Section):
    symbols: list[str] = Field(
        ["^RUT", "IWM", "SPY", "QQQ"], min_length=1,
        description="instruments the config's strategy runs on with the same rules (the traded symbol is added first)",
    )
    regimes: RegimeConfig = RegimeConfig()

    @field_validator("symbols")
    @classmethod
    def _tickers(cls, value):
        return list(dict.fromkeys(check_study_symbol(s) for s in value))
