"""Data stage: the bars a config trades and, when its benchmark is on, the benchmark's over the same dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rtybt.engine.data.load import Bars, load_bars
from rtybt.engine.data.locate import resolve_data_dir

if TYPE_CHECKING:
    from rtybt.engine.config import RunConfig


def load_run_bars(config: RunConfig, data_dir_flag: str | None = None) -> tuple[Bars, Bars | None]:
    """The traded symbol's bars and, if the benchmark is enabled, the benchmark's over the same dates."""
    data_dir, source = resolve_data_dir(data_dir_flag, config.data.dir, config.data.symbol)
    d = config.data
    bars = load_bars(d.symbol, data_dir, d.validation, d.start, d.end, source)
    bench = None
    if config.benchmark.enabled:
        symbol = config.benchmark.symbol or d.symbol
        bench = bars if symbol == d.symbol else load_bars(
            symbol, data_dir, d.validation, bars.first_date, bars.last_date, source, key="benchmark.symbol"
        )
    return bars, bench
