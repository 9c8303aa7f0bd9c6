"""The tearsheet's tables for people hold pyfolio's and empyrical's numbers, computed without importing pyfolio."""

from __future__ import annotations

import warnings
from datetime import date

import empyrical
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from rtybt.engine.analysis.metrics import trade_stats
from rtybt.engine.report.run import tables


def daily_returns(n=900, seed=2, scale=0.012):
    rng = np.random.default_rng(seed)
    return pd.Series(rng.normal(0.0003, scale, n), index=pd.bdate_range("2015-11-02", periods=n), name="returns")


def test_worst_drawdowns_match_pyfolio_ranked_from_one():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pyfolio import timeseries
    r = daily_returns()
    ours = tables.worst_drawdowns(r, top=5)
    utc = r.copy()
    utc.index = utc.index.tz_localize("UTC")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = timeseries.gen_drawdown_table(utc, top=5)
    assert list(ours.index) == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(ours["depth"].to_numpy() * -100, theirs["Net drawdown in %"].to_numpy(dtype=float),
                               rtol=1e-12)
    assert [str(d) for d in ours["peak"]] == [str(pd.Timestamp(d).date()) for d in theirs["Peak date"]]
    assert [str(d) for d in ours["valley"]] == [str(pd.Timestamp(d).date()) for d in theirs["Valley date"]]
    rec = [None if pd.isna(d) else str(pd.Timestamp(d).date()) for d in theirs["Recovery date"]]
    assert [None if d is None else str(d) for d in ours["recovery"]] == rec
    first = ours.iloc[0]
    if first["recovery"] is not None:
        assert first["duration_days"] == (pd.Timestamp(first["recovery"]) - pd.Timestamp(first["peak"])).days


def test_risk_statistics_match_empyrical_and_scipy():
    r, b = daily_returns(seed=3), daily_returns(seed=4)
    rows = {label: (s, bv) for label, s, bv, _ in tables.risk_statistics(r, b)}
    assert rows["stability"][0] == pytest.approx(empyrical.stability_of_timeseries(r), rel=1e-9)
    assert rows["tail ratio"][0] == pytest.approx(empyrical.tail_ratio(r), rel=1e-9)
    assert rows["skew"][0] == pytest.approx(sps.skew(r), rel=1e-9)
    assert rows["kurtosis (excess)"][0] == pytest.approx(sps.kurtosis(r), rel=1e-9)
    assert rows["daily value at risk (2σ)"][0] == pytest.approx(r.mean() - 2 * r.std(), rel=1e-12)
    alpha, beta = empyrical.alpha_beta(r, b)
    assert rows["beta to buy-and-hold"][0] == pytest.approx(beta, rel=1e-9)
    assert rows["alpha, a year"][0] == pytest.approx(alpha, rel=1e-9)


def test_monthly_table_by_month_name_marks_months_out_of_the_market():
    r = daily_returns(300)
    held = pd.Series(True, index=r.index)
    held[(r.index.year == 2016) & (r.index.month == 3)] = False
    r[~held] = 0.0
    monthly, out = tables.monthly_table(r, held)
    assert list(monthly.columns) == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                     "Dec", "total"]
    for (year, month), value in empyrical.aggregate_returns(r, "monthly").items():
        assert monthly.loc[year, tables.MONTHS[month - 1]] == pytest.approx(value, abs=1e-14)
    for year, value in empyrical.aggregate_returns(r, "yearly").items():
        assert monthly.loc[year, "total"] == pytest.approx(value, abs=1e-14)
    assert out.loc[2016, "Mar"] and out.to_numpy().sum() == 1
    assert np.isnan(monthly.loc[2015, "Jan"]) and not out.loc[2015, "Jan"]  # before the first bar: empty, not "out"


def test_in_market_days_from_trades():
    idx = pd.bdate_range("2021-03-01", periods=10)
    trades = pd.DataFrame({"entry_date": [date(2021, 3, 2), date(2021, 3, 10)], "exit_date": [date(2021, 3, 4), None]})
    held = tables.in_market_days(idx, trades)
    assert held.tolist() == [False, True, True, True, False, False, False, True, True, True]


def test_trailing_and_decade_returns():
    r = daily_returns(2600)
    trailing = tables.trailing_returns(r, r * 0.5)
    last3 = r[r.index > r.index[-1] - pd.DateOffset(years=3)]
    assert trailing.loc[1, "strategy"] == pytest.approx((1 + last3).prod() ** (1 / 3) - 1, rel=1e-12)
    assert list(trailing["period"])[:2] == ["last 1 year", "last 3 years"]
    decades = tables.decade_returns(r, None)
    assert list(decades["decade"]) == ["2010s", "2020s"]
    assert decades.loc[0, "strategy"] == pytest.approx((1 + r[r.index.year < 2020]).prod() - 1, rel=1e-12)


def test_trade_statistics_one_average_trade():
    trades = pd.DataFrame({"status": ["closed", "closed", "closed", "open"], "return_pct": [0.1, -0.05, 0.02, 0.3],
                           "pnl_net": [100.0, -50.0, 20.0, 300.0], "bars_held": [3, 5, 4, 2],
                           "commission": [1.0, 1.0, 1.0, 1.0]})
    rows = {label: value for label, value, _ in tables.trade_statistics(trades)}
    assert rows["average trade"] == pytest.approx(trade_stats(trades)["avg_trade_return"], abs=1e-15)
    assert rows["closed trades"] == 3 and rows["open at the end"] == 1
    assert rows["profit factor"] == pytest.approx(120 / 50)


def test_time_under_water():
    idx = pd.bdate_range("2020-01-01", periods=6)
    r = pd.Series([0.1, -0.1, 0.05, 0.2, -0.01, 0.0], index=idx)
    uw = tables.time_under_water(r)
    assert uw["share"] == pytest.approx(4 / 6)
    assert uw["longest_days"] == (idx[3] - idx[0]).days


def test_partial_first_and_last_years_are_marked():
    r = daily_returns(600)  # 2015-11-02 to 2018-02-xx
    partial = tables.annual_returns(r, None).attrs["partial"]
    assert partial[2015] == "2015, part: from Nov 2"
    assert partial[r.index[-1].year].startswith(f"{r.index[-1].year}, part: to ")
    assert 2016 not in partial and 2017 not in partial
    whole = daily_returns(261 * 2)
    whole.index = pd.bdate_range("2016-01-04", periods=len(whole))
    assert tables.annual_returns(whole[whole.index.year == 2016], None).attrs["partial"] == {}


def test_a_decade_spanning_the_run_reads_the_headline_cagr():
    from rtybt.engine.analysis.metrics import cagr

    r = daily_returns(700)
    r = r[r.index.year >= 2016]  # one decade only
    decades = tables.decade_returns(r, None, 252)
    assert decades.loc[0, "strategy_cagr"] == pytest.approx(cagr(r.to_numpy(), 252), rel=1e-12)


def test_costs_count_commission_and_slippage_of_every_trade_and_exits_are_counted():
    trades = pd.DataFrame({"status": ["closed", "closed", "open"], "return_pct": [0.1, -0.05, 0.02],
                           "pnl_net": [100.0, -50.0, 20.0], "bars_held": [3, 5, 4], "commission": [2.0, 2.0, 1.0],
                           "slippage": [3.0, 3.0, 1.5], "exit_reason": ["stop", "target", "end of data"]})
    rows = {label: value for label, value, _ in tables.trade_statistics(trades)}
    assert rows["commission paid"] == 5.0 and rows["slippage paid (in the fill prices)"] == 7.5  # the open one too
    assert rows["costs paid, total"] == 12.5
    assert tables.exit_reasons(trades) == [("stop", 1, 1 / 3), ("target", 1, 1 / 3), ("end of data", 1, 1 / 3)]
    stored = trades.drop(columns=["slippage", "exit_reason"])  # a run stored before these were recorded
    assert [label for label, _, _ in tables.cost_rows(stored)] == ["commission paid (slippage not recorded)"]
    assert tables.exit_reasons(stored) == []
