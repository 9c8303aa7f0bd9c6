"""Pre-run checks between validated config and engine: parameters that cannot fit the loaded bars."""

from __future__ import annotations

import pandas as pd

from engine.errors import ConfigError


def check_params_fit_bars(strategy_name: str, params: dict, frame: pd.DataFrame, source: str) -> None:
    """A look-back measured in bars must be shorter than the data, else Backtrader crashes (IndexError)."""
    from strategies import get_strategy

    rows = len(frame)
    for param in get_strategy(strategy_name).spec:
        value = params.get(param.name)
        if param.unit == "bars" and isinstance(value, int | float) and value >= rows:
            span = f"{frame.index[0].date()} to {frame.index[-1].date()}" if rows else "the range"
            raise ConfigError(
                f"{source}: strategy.params.{param.name}: {value:g} bars but only {rows} bars from {span}; "
                f"use a shorter {param.name} or a longer data range"
            )
