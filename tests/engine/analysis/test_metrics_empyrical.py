"""engine/analysis/metrics.py against empyrical-reloaded on the daily returns of a real full-history ^RUT run."""

from __future__ import annotations

from pathlib import Path

import empyrical
import numpy as np
import pytest

from rtybt.engine.analysis.metrics import compute_metrics
from rtybt.engine.config import load_config
from rtybt.engine.data import load_run_bars
from rtybt.engine.run import run_backtest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def run(snapshot_dir):
    config = load_config(REPO / "configs" / "ma_reclaim.yaml", ["benchmark.enabled=false"])
    bars, _ = load_run_bars(config, str(snapshot_dir))
    return run_backtest(config, bars.frame)


@pytest.mark.parametrize("risk_free_rate", [0.0, 0.03])
@pytest.mark.parametrize("periods_per_year", [252, 260])
def test_metrics_agree_with_empyrical(run, risk_free_rate, periods_per_year):
    r = run.returns
    assert len(r) > 9000 and run.metrics["trades"] > 100
    m = compute_metrics(r, run.positions.iloc[:, 0] != 0, run.trades, 100_000.0, risk_free_rate, periods_per_year)
    daily_rf = risk_free_rate / periods_per_year
    expected = {
        "total_return": empyrical.cum_returns_final(r),
        "cagr": empyrical.annual_return(r, annualization=periods_per_year),
        "annual_volatility": empyrical.annual_volatility(r, annualization=periods_per_year),
        "sharpe": empyrical.sharpe_ratio(r, risk_free=daily_rf, annualization=periods_per_year),
        "sortino": empyrical.sortino_ratio(r, required_return=daily_rf, annualization=periods_per_year),
        "max_drawdown": empyrical.max_drawdown(r),
        "calmar": empyrical.calmar_ratio(r, annualization=periods_per_year),
    }
    for key, value in expected.items():
        assert np.isfinite(value), key
        assert m[key] == pytest.approx(float(value), abs=1e-9, rel=0), key
