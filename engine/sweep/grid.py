"""Sweep stage: a grid of strategy parameters -> validated variants, each a RunConfig with its own hash."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import yaml

from rtybt.engine.config import RunConfig, StrategyConfig, resolve_strategy_params, strategy_class
from rtybt.engine.core.budget import MAX_VARIANT_BARS, MAX_VARIANTS, check_budget
from rtybt.engine.core.errors import ConfigError, did_you_mean
from rtybt.engine.core.numbers import setting_text
from rtybt.engine.core.safe_yaml import safe_load_unique


@dataclass(frozen=True)
class Variant:
    """One point of the grid: the full config it runs and the swept values that name it."""

    config: RunConfig
    swept: dict[str, Any]
    config_hash: str

    @property
    def label(self) -> str:
        return _label(self.swept) or "base"


def parse_grid_options(texts: list[str]) -> dict[str, list[Any]]:
    """`--grid ma_period=20,30,40` (repeatable) -> {"ma_period": [20, 30, 40]}; values read as YAML scalars."""
    grid: dict[str, list[Any]] = {}
    for text in texts:
        key, sep, raw = text.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(f"--grid {text!r}: expected PARAM=V1,V2,..., e.g. ma_period=20,30,40")
        values = [part.strip() for part in raw.split(",") if part.strip()]
        if not values:
            raise ConfigError(f"--grid {key}: empty list of values (give at least one, e.g. {key}=20,30)")
        try:
            grid[key] = [safe_load_unique(v) for v in values]
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or exc.__class__.__name__
            raise ConfigError(f"--grid {key}: cannot read the values {raw[:60]!r} ({problem}); "
                              f"expected plain values, e.g. {key}=20,30") from None
    return grid


def grid_size(grid: dict[str, list[Any]]) -> int:
    """The number of combinations (before duplicates are removed), without making them."""
    return math.prod(len(values) for values in grid.values())


def check_variant_bars(variants: int, bars: int, source: str) -> None:
    """A sweep's cost, variants x bars, within MAX_VARIANT_BARS (engine/core/budget.py) unless --yes."""
    check_budget(source, f"variants x bars ({variants:,} x {bars:,})", variants * bars, MAX_VARIANT_BARS,
                 "narrow the grid (sweep.grid or --grid) or the dates (data.start, data.end)")


def expand_grid(config: RunConfig, grid: dict[str, list[Any]], source: str) -> list[Variant]:
    """Every combination of the grid over the config's own params, in grid order, duplicates removed.

    Each variant goes through resolve_strategy_params exactly like a single run's config does.
    """
    spec = {p.name for p in strategy_class(config.strategy, source).spec}
    for key, values in grid.items():
        if key not in spec:
            hint = did_you_mean(key, spec)
            raise ConfigError(
                f"{source}: sweep.grid.{key}: unknown parameter of {config.strategy.name}{hint}; "
                f"known: {', '.join(sorted(spec)) or 'none'}"
            )
        if not values:
            raise ConfigError(f"{source}: sweep.grid.{key}: empty list of values (give at least one)")
    check_budget(f"{source}: sweep.grid", f"variants ({' x '.join(str(len(v)) for v in grid.values())})",
                 grid_size(grid), MAX_VARIANTS, "narrow the grid (fewer values per parameter)")
    keys = list(grid)
    variants: list[Variant] = []
    seen: set[str] = set()
    for combo in itertools.product(*(grid[k] for k in keys)):
        swept = dict(zip(keys, combo, strict=True))
        strategy = StrategyConfig(name=config.strategy.name, file=config.strategy.file,
                                  params={**config.strategy.params, **swept})
        params = resolve_strategy_params(strategy, f"{source} (sweep variant {_label(swept)})")
        variant_config = config.model_copy(deep=True)
        variant_config.strategy.params = params
        digest = variant_config.config_hash()
        if digest in seen:
            continue
        seen.add(digest)
        variants.append(Variant(variant_config, {k: params[k] for k in keys}, digest))
    return variants


def _label(swept: dict[str, Any]) -> str:
    return ", ".join(f"{k}={setting_text(v)}" for k, v in swept.items())
