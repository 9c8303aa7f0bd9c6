"""One list of metric keys: it is exactly what a run reports, and every selection of it is checked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.analysis.metric_keys import METRICS, metric_keys, metric_rows
from rtybt.engine.analysis.metrics import compute_metrics
from rtybt.engine.config.sections import RANKABLE
from rtybt.engine.core.numbers import FORMATS, fmt
from rtybt.engine.run.trades import TRADE_COLUMNS


def test_the_list_is_what_compute_metrics_reports_in_its_order():
    index = pd.bdate_range("2020-01-01", periods=30)
    returns = pd.Series(np.linspace(-0.01, 0.01, 30), index=index)
    trades = pd.DataFrame(columns=TRADE_COLUMNS)
    metrics = compute_metrics(returns, pd.Series(True, index=index), trades, 100_000.0)
    # The run adds the last two (refused orders and signals that never became one).
    reported = [k for k in metrics if k not in ("start", "end")] + ["orders_refused", "signals_not_ordered"]
    assert reported == list(METRICS)


def test_every_rankable_metric_and_every_kind_is_known():
    assert set(RANKABLE) <= set(METRICS)
    assert {kind for _, kind in METRICS.values()} <= set(FORMATS)


def test_a_selection_keeps_its_order_and_refuses_an_unknown_key():
    assert metric_keys("sharpe", "cagr") == ("sharpe", "cagr")
    assert metric_rows("cagr", "trades") == [("CAGR", "cagr", "pct"), ("trades", "trades", "int")]
    with pytest.raises(KeyError, match="sharp"):
        metric_keys("cagr", "sharp")


@pytest.mark.parametrize(("value", "kind", "shown"), [
    (0.12345, "pct", "12.35%"), (1.23456, "num", "1.23"), (12.25, "num1", "12.2"), (0.98765, "num3", "0.988"),
    (7.0, "int", "7"), (1234567.8, "usd", "$1,234,568"), (0.000123456, "sig3", "0.000123"),
    (1.0 / 3.0, "sig10", "0.3333333333"), (1.5e-10, "sci2", "1.50e-10"), (None, "pct", "-"),
])
def test_one_formatter_for_the_terminal(value, kind, shown):
    assert fmt(value, kind) == shown
