"""Config stage: the `study:` section (the symbols a study runs on and the regimes it splits by)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engine.data.locate import symbol_file

REGIME_KINDS = ("vix", "trend", "decade")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


def check_study_symbol(symbol: str) -> str:
    """A study symbol names a data file, as data.symbol does: a ticker, never a path."""
    try:
        symbol_file(Path("."), symbol.strip())
    except ValueError:
        raise ValueError(f"{symbol!r} must be a ticker like ^RUT or RTY=F, not a path") from None
    return symbol.strip()


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
