"""pyfolio inputs built from our own results: round trips from trades, monthly table, tz and benchmark handling."""

from __future__ import annotations

from datetime import date

import empyrical
import numpy as np
import pandas as pd
import pytest

from engine.report.pyfolio_section import monthly_returns, round_trips, tables, utc_returns


def daily_returns(n=300, seed=2):
    rng = np.random.default_rng(seed)
    return pd.Series(rng.normal(0.0004, 0.01, n), index=pd.bdate_range("2019-11-01", periods=n), name="returns")


def test_monthly_table_equals_empyrical_aggregation():
    rets, _ = utc_returns(daily_returns(), None)
    table = monthly_returns(rets)
    expected = empyrical.aggregate_returns(rets, "monthly")
    for (year, month), value in expected.items():
        assert table.loc[year, f"{month:02d}"] == pytest.approx(value, abs=1e-14)
    for year, value in empyrical.aggregate_returns(rets, "yearly").items():
        assert table.loc[year, "year"] == pytest.approx(value, abs=1e-14)
    assert np.isnan(table.loc[2019, "01"])  # months before the first bar stay empty


def test_benchmark_is_utc_and_covers_every_date():
    rets = daily_returns(10)
    bench = rets.iloc[2:8] * 0.5
    r, b = utc_returns(rets, bench)
    assert str(r.index.tz) == "UTC" and b.index.equals(r.index)
    assert b.iloc[0] == 0.0 and b.iloc[2] == pytest.approx(rets.iloc[2] * 0.5)


def test_round_trips_from_our_trades():
    equity = pd.Series([100.0, 110.0, 120.0, 90.0], index=pd.bdate_range("2021-03-01", periods=4))
    trades = pd.DataFrame([
        # closed long: exit on day 3 (2021-03-04); pyfolio relates P&L to the equity at the start of that day (120)
        {"status": "closed", "direction": "long", "entry_date": date(2021, 3, 2), "exit_date": date(2021, 3, 4),
         "pnl_net": -30.0, "return_pct": -0.25},
        {"status": "open", "direction": "long", "entry_date": date(2021, 3, 4), "exit_date": None,
         "pnl_net": 1.0, "return_pct": 0.01},
    ])
    trips = round_trips(trades, equity, "^RUT")
    assert len(trips) == 1  # the open trade is not a round trip
    t = trips.iloc[0]
    assert t["pnl"] == -30.0 and t["returns"] == pytest.approx(-30.0 / 120.0) and bool(t["long"])
    assert t["duration"] == pd.Timedelta(days=2) and str(t["open_dt"].tz) == "UTC"
    out = tables(daily_returns(60), None, trips)
    assert out["round_trips_summary"].loc["Total number of round_trips", "All trades"] == 1
    assert out["perf_stats"].loc["Sharpe ratio", "strategy"] == pytest.approx(
        empyrical.sharpe_ratio(daily_returns(60)), abs=1e-12)
    assert len(out["drawdowns"]) == 5
