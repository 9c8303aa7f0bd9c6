"""The screen's per-variant numbers are the run's numbers: the same metrics as a full twin run and as Backtrader."""

from __future__ import annotations

import pytest

from rtybt.engine.run import run_backtest
from rtybt.engine.twins.bars import BarArrays
from rtybt.engine.twins.run import run_twin
from rtybt.engine.twins.screen import SCREEN_METRICS, screen
from tests.conftest import make_config
from tests.engine.twins.synthetic import random_bars


def test_screen_metrics_equal_the_full_runs():
    frame = random_bars(7, n=600)
    cfg = make_config("ma_reclaim")
    variants = [
        {"ma_period": 10, "hold_bars": 1, "below_ma_period": None, "stop_pct": None},
        {"ma_period": 10, "hold_bars": 3, "below_ma_period": None, "stop_pct": None},  # shares SMA(10)
        {"ma_period": 30, "hold_bars": 2, "below_ma_period": 60, "stop_pct": 1.5},
    ]
    rows = screen(cfg, BarArrays.from_frame(frame), variants)
    assert [r["trades"] for r in rows] != [rows[0]["trades"]] * 3  # the variants really differ
    for params, row in zip(variants, rows, strict=True):
        cfg_v = cfg.model_copy(deep=True)
        cfg_v.strategy.params = params
        twin = run_twin(cfg_v, frame).metrics
        bt = run_backtest(cfg_v, frame).metrics
        for key in SCREEN_METRICS:
            assert row[key] == pytest.approx(twin[key], rel=1e-12), key
            assert row[key] == pytest.approx(bt[key], rel=1e-9), key
