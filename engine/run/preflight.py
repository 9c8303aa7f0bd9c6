"""Pre-run checks between validated config and engine: parameters that cannot fit the loaded bars."""

from __future__ import annotations

import pandas as pd

from rtybt.engine.core.errors import ConfigError


def check_params_fit_bars(strategy_name: str, params: dict, frame: pd.DataFrame, source: str,
                          file: str | None = None) -> None:
    """Name the look-back (in bars) longer than the data: called when Backtrader crashed on it (IndexError).

    Not checked up front: a parameter unused in the configured mode (e.g. a zone look-back with an
    absolute level) may legitimately exceed a short run.
    """
    from rtybt.strategies import get_strategy

    rows = len(frame)
    span = f"{frame.index[0].date()} to {frame.index[-1].date()}" if rows else "the range"
    lookbacks = {}
    for param in get_strategy(strategy_name, file).spec:
        value = params.get(param.name)
        if param.unit == "bars" and isinstance(value, int | float) and not isinstance(value, bool):
            lookbacks[param.name] = value
            if value >= rows:
                raise ConfigError(
                    f"{source}: strategy.params.{param.name}: {value:g} bars but only {rows} bars from {span}; "
                    f"use a shorter {param.name} or a longer data range"
                )
    # Look-backs stack (an MA, then N closes held above it): together they can outgrow the data.
    if lookbacks and sum(lookbacks.values()) >= rows:
        parts = ", ".join(f"{name}={value:g}" for name, value in lookbacks.items())
        raise ConfigError(
            f"{source}: strategy.params: the warm-up of {parts} ({sum(lookbacks.values()):g} bars together) "
            f"does not fit the {rows} bars from {span}; use shorter look-backs or a longer data range"
        )


# How far outside the traded prices an absolute level may lie before it cannot be about these bars.
LEVEL_SLACK = 1.5


def check_levels_in_price_range(strategy_name: str, params: dict, frame: pd.DataFrame, source: str,
                                file: str | None = None) -> None:
    """An absolute price level that no bar of the run comes near is a level from another era or instrument.

    A 2,100 ^RUT level on IWM (~200) or a typo (21000) would silently give zero trades: refuse it instead.
    """
    from rtybt.strategies import get_strategy

    low, high = float(frame["low"].min()), float(frame["high"].max())
    for param in get_strategy(strategy_name, file).spec:
        value = params.get(param.name)
        if param.unit != "price" or not isinstance(value, int | float) or isinstance(value, bool):
            continue
        if not low / LEVEL_SLACK <= value <= high * LEVEL_SLACK:
            raise ConfigError(
                f"{source}: strategy.params.{param.name}: level {value:g} has no bars in range: prices from "
                f"{frame.index[0].date()} to {frame.index[-1].date()} span {low:.6g} to {high:.6g}; "
                "check the level, the symbol and the dates"
            )
