"""Sweep fixtures: a small grid on two years of real ^RUT bars, loaded once."""

from __future__ import annotations

import pytest

from rtybt.engine.config import load_config
from rtybt.engine.data import load_run_bars
from rtybt.engine.sweep.grid import expand_grid

SWEEP_YAML = """
data: {symbol: ^RUT, start: 2014-01-01, end: 2016-12-31}
strategy: {name: ma_reclaim, params: {ma_period: 50, hold_bars: 3}}
benchmark: {enabled: true}
output: {plots: false}
sweep: {grid: {ma_period: [10, 30], hold_bars: [1, 3]}, metric: sharpe, top: 3}
"""


@pytest.fixture(scope="module")
def sweep_config_path(tmp_path_factory, snapshot_dir):
    path = tmp_path_factory.mktemp("cfg") / "small.yaml"
    path.write_text(SWEEP_YAML)
    return path


@pytest.fixture(scope="module")
def small_sweep(sweep_config_path):
    config = load_config(sweep_config_path)
    variants = expand_grid(config, config.sweep.grid, str(sweep_config_path))
    bars, _ = load_run_bars(config)
    return config, variants, bars
