"""Report stage: pyfolio-reloaded's tables as data and its returns plots, headless (the only pyfolio import)."""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import pandas as pd

from engine.report.figures import fit, pyplot, to_png


@contextmanager
def _quiet_pyfolio():
    """Silence only the known noise of pyfolio/empyrical on this stack, not every warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*zipline.assets.*")
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"(pyfolio|empyrical|seaborn)\..*")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(pyfolio|empyrical|seaborn)\..*")
        # pyfolio plots tz-aware (UTC) dates, which it requires; matplotlib notes that it drops the tz.
        warnings.filterwarnings("ignore", message="no explicit representation of timezones", category=UserWarning)
        yield


def _pyfolio():
    pyplot()  # Agg before pyfolio pulls in pyplot
    with _quiet_pyfolio():
        import pyfolio
    return pyfolio


def utc_returns(returns: pd.Series, benchmark: pd.Series | None) -> tuple[pd.Series, pd.Series | None]:
    """pyfolio wants tz-aware UTC returns and a benchmark Series covering every date of the returns."""
    rets = returns.copy()
    rets.index = pd.DatetimeIndex(rets.index).tz_localize("UTC")
    bench = None
    if benchmark is not None:
        bench = benchmark.copy()
        bench.index = pd.DatetimeIndex(bench.index).tz_localize("UTC")
        bench = bench.reindex(rets.index).fillna(0.0).rename("benchmark")
    return rets.rename("strategy"), bench


def round_trips(trades: pd.DataFrame, equity: pd.Series, symbol: str) -> pd.DataFrame:
    """pyfolio's round-trip frame built from our own closed trades (net of costs), not from get_pf_items.

    `returns` is the trade's P&L over the equity at the close of the day before the exit, the way
    pyfolio relates a round trip to the portfolio's value at the start of its closing day.
    """
    closed = trades[trades["status"] == "closed"]
    if closed.empty:
        return pd.DataFrame(columns=["pnl", "open_dt", "close_dt", "long", "rt_returns", "symbol", "duration",
                                     "returns"])
    open_dt = pd.DatetimeIndex(pd.to_datetime(closed["entry_date"])).tz_localize("UTC")
    close_dt = pd.DatetimeIndex(pd.to_datetime(closed["exit_date"])).tz_localize("UTC")
    start_equity = equity.shift(1).fillna(equity.iloc[0])
    start_equity.index = pd.DatetimeIndex(start_equity.index).tz_localize("UTC")
    pnl = closed["pnl_net"].to_numpy(dtype=float)
    return pd.DataFrame({
        "pnl": pnl,
        "open_dt": open_dt,
        "close_dt": close_dt,
        "long": (closed["direction"] == "long").to_numpy(),
        "rt_returns": closed["return_pct"].to_numpy(dtype=float),
        "symbol": symbol,
        "duration": close_dt - open_dt,
        "returns": pnl / start_equity.reindex(close_dt).to_numpy(),
    })


def tables(returns: pd.Series, benchmark: pd.Series | None, trips: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Performance statistics, worst drawdowns and round-trip statistics as DataFrames."""
    pf = _pyfolio()
    from pyfolio import round_trips as rt
    from pyfolio import timeseries

    rets, bench = utc_returns(returns, benchmark)
    with _quiet_pyfolio():
        # A statistic with no finite value (0/0) is shown as "n/a" with its reason, not warned about.
        warnings.filterwarnings("ignore", message="(invalid value|divide by zero) encountered",
                                category=RuntimeWarning, module=r"empyrical\..*")
        stats = explain_non_finite(timeseries.perf_stats(rets, factor_returns=bench), rets).to_frame("strategy")
        if bench is not None:
            stats["benchmark"] = explain_non_finite(timeseries.perf_stats(bench), bench).reindex(stats.index)
        drawdowns = timeseries.gen_drawdown_table(rets, top=5)
        out = {"perf_stats": stats, "drawdowns": drawdowns, "monthly_returns": monthly_returns(rets)}
        if len(trips):
            for name, frame in rt.gen_round_trip_stats(trips).items():
                if name != "symbols":
                    out[f"round_trips_{name}"] = frame
    del pf
    return out


def explain_non_finite(stats: pd.Series, rets: pd.Series) -> pd.Series:
    """perf_stats with every non-finite value replaced by "n/a: <why>" (object dtype from then on)."""
    import numpy as np

    bad = [name for name, value in stats.items() if isinstance(value, float) and not np.isfinite(value)]
    if not bad:
        return stats
    out = stats.astype(object)
    for name in bad:
        out[name] = "n/a: " + _non_finite_reason(name, rets)
    return out


def _non_finite_reason(stat: str, rets: pd.Series) -> str:
    import numpy as np

    if stat == "Tail ratio":
        p95, p5 = np.percentile(rets, 95), np.percentile(rets, 5)
        if p5 == 0:
            # Tail ratio = |95th percentile| / |5th percentile| of daily returns.
            return (f"the 5th percentile of daily returns is 0 (95th: {p95:.4%}): "
                    "no position on more than 5% of days")
    if stat == "Calmar ratio" and (rets >= 0).all():
        return "no drawdown (max drawdown is 0)"
    if stat in ("Sortino ratio", "Omega ratio") and (rets >= 0).all():
        return "no losing day"
    return "not a finite number on these returns"


def monthly_returns(rets: pd.Series) -> pd.DataFrame:
    """Year x month compounded returns plus the year's: the numbers of pyfolio's monthly heatmap.

    Rendered as a coloured HTML table rather than pyfolio's seaborn heatmap (drawing 12 x ~40 annotated
    cells was most of the report's time), and compounded with a groupby rather than
    empyrical.aggregate_returns (a Python call per day; same numbers, tested).
    """
    growth = 1.0 + rets
    by_month = growth.groupby([rets.index.year, rets.index.month]).prod() - 1.0
    monthly = by_month.unstack()
    monthly.columns = [f"{m:02d}" for m in monthly.columns]
    monthly["year"] = growth.groupby(rets.index.year).prod() - 1.0
    monthly.index.name = "year"
    return monthly


def figures(returns: pd.Series, benchmark: pd.Series | None) -> dict[str, bytes]:
    """pyfolio's returns plots, one PNG each: cumulative returns, drawdowns, monthly/annual, rolling risk."""
    pf = _pyfolio()
    plt = pyplot()
    rets, bench = utc_returns(returns, benchmark)
    out = {}
    with _quiet_pyfolio():
        fig, ax = plt.subplots(figsize=(11, 4.5))
        pf.plotting.plot_rolling_returns(rets, factor_returns=bench, ax=ax)
        fit(fig)
        out["pf_cumulative_returns.png"] = to_png(fig)

        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 7))
        pf.plotting.plot_drawdown_periods(rets, top=5, ax=ax1)
        pf.plotting.plot_drawdown_underwater(rets, ax=ax2)
        fit(fig)
        out["pf_drawdowns.png"] = to_png(fig)

        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 7))
        pf.plotting.plot_rolling_sharpe(rets, factor_returns=bench, ax=ax1)
        pf.plotting.plot_rolling_volatility(rets, factor_returns=bench, ax=ax2)
        fit(fig)
        out["pf_rolling_risk.png"] = to_png(fig)
    return out
