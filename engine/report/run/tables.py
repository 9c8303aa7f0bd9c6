"""Report stage: the tearsheet's statistics as data frames of plain numbers (drawdowns, trailing and decade
returns, monthly table, trade statistics, trade list); formatting for people happens in `people.py`."""

from __future__ import annotations

import numpy as np
import pandas as pd

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
AVERAGE_TRADE = ("average trade = the mean, over closed trades, of each trade's return on its entry value "
                 "after commission and slippage (every trade weighs the same, whatever its size)")


def wealth(returns: pd.Series) -> pd.Series:
    return (1.0 + returns.fillna(0.0)).cumprod()


def underwater(returns: pd.Series) -> pd.Series:
    """Drawdown from the running peak of the wealth curve (0 at a new high), as a fraction."""
    w = wealth(returns)
    return w / np.maximum(w.cummax(), 1.0) - 1.0


def worst_drawdowns(returns: pd.Series, top: int = 5) -> pd.DataFrame:
    """The `top` deepest separate drawdowns, ranked from 1 (pyfolio's gen_drawdown_table, same dates and depths):
    peak, valley, recovery (None while still under water), depth, and durations in calendar days."""
    uw = underwater(returns)
    values = uw.to_numpy()
    dates = uw.index
    episodes = []
    i, n = 0, len(values)
    while i < n:
        if values[i] < 0:
            start = i
            while i < n and values[i] < 0:
                i += 1
            valley = start + int(np.argmin(values[start:i]))
            peak = start - 1 if start > 0 else None
            recovery = i if i < n else None
            episodes.append((float(values[valley]), peak, valley, recovery))
        else:
            i += 1
    episodes.sort(key=lambda e: e[0])
    rows = []
    for depth, peak, valley, recovery in episodes[:top]:
        peak_date = dates[peak] if peak is not None else dates[0]
        end = dates[recovery] if recovery is not None else None
        rows.append({
            "depth": depth, "peak": peak_date.date(), "valley": dates[valley].date(),
            "recovery": end.date() if end is not None else None,
            "peak_to_valley_days": (dates[valley] - peak_date).days,
            "valley_to_recovery_days": (end - dates[valley]).days if end is not None else None,
            "duration_days": (end - peak_date).days if end is not None else (dates[-1] - peak_date).days,
        })
    frame = pd.DataFrame(rows, columns=["depth", "peak", "valley", "recovery", "peak_to_valley_days",
                                        "valley_to_recovery_days", "duration_days"])
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="rank")
    return frame


def time_under_water(returns: pd.Series) -> dict:
    """Share of days below a previous peak and the longest stretch under water, in calendar days."""
    uw = underwater(returns)
    below = uw.to_numpy() < 0
    longest, start = 0, None
    dates = uw.index
    for i, flag in enumerate(below):
        if flag and start is None:
            start = i - 1 if i > 0 else 0
        if (not flag or i == len(below) - 1) and start is not None:
            end = i
            longest = max(longest, (dates[end] - dates[start]).days)
            start = None
    return {"share": float(below.mean()) if len(below) else 0.0, "longest_days": longest}


def _compound(r: pd.Series) -> float:
    return float((1.0 + r).prod() - 1.0)


def trailing_returns(returns: pd.Series, benchmark: pd.Series | None, years=(1, 3, 5, 10)) -> pd.DataFrame:
    """Annualised return over the last N calendar years (the 1-year value is the plain return)."""
    end = returns.index[-1]
    rows = []
    for n in years:
        start = end - pd.DateOffset(years=n)
        if returns.index[0] > start:
            continue
        window = returns.index > start
        row = {"period": f"last {n} year" + ("" if n == 1 else "s"), "strategy": _compound(returns[window]) + 1.0}
        row["strategy"] = row["strategy"] ** (1.0 / n) - 1.0
        if benchmark is not None:
            row["benchmark"] = (_compound(benchmark[window]) + 1.0) ** (1.0 / n) - 1.0
        rows.append(row)
    start, stop = returns.index[0], returns.index[-1]
    total_years = (stop - start).days / 365.25
    row = {"period": f"whole period ({total_years:.1f} years)",
           "strategy": (_compound(returns) + 1.0) ** (1.0 / total_years) - 1.0 if total_years > 0 else None}
    if benchmark is not None:
        row["benchmark"] = (_compound(benchmark) + 1.0) ** (1.0 / total_years) - 1.0 if total_years > 0 else None
    rows.append(row)
    return pd.DataFrame(rows)


def decade_returns(returns: pd.Series, benchmark: pd.Series | None, ppy: int = 252) -> pd.DataFrame:
    """Total and annualised return per calendar decade (partial decades say how many years they cover); a year is
    `ppy` bars, as in the headline's CAGR, so a decade that spans the whole run shows the headline's figure."""
    decade = (returns.index.year // 10) * 10
    rows = []
    for d in sorted(set(decade)):
        mask = decade == d
        idx = returns.index[mask]
        years = len(idx) / ppy
        row = {"decade": f"{d}s", "from": idx[0].date(), "to": idx[-1].date(), "strategy": _compound(returns[mask])}
        row["strategy_cagr"] = (1.0 + row["strategy"]) ** (1.0 / years) - 1.0
        if benchmark is not None:
            row["benchmark"] = _compound(benchmark[mask])
            row["benchmark_cagr"] = (1.0 + row["benchmark"]) ** (1.0 / years) - 1.0
        rows.append(row)
    return pd.DataFrame(rows)


def annual_returns(returns: pd.Series, benchmark: pd.Series | None) -> pd.DataFrame:
    growth = 1.0 + returns
    out = pd.DataFrame({"strategy": growth.groupby(returns.index.year).prod() - 1.0})
    if benchmark is not None:
        out["benchmark"] = (1.0 + benchmark).groupby(benchmark.index.year).prod() - 1.0
    out.index.name = "year"
    # A first or last year the bars cover only in part says so ("1987, part: from Sep 10").
    partial = {}
    first, last = returns.index[0], returns.index[-1]
    starts_late, ends_early = (first.month, first.day) > (1, 7), (last.month, last.day) < (12, 24)
    if first.year == last.year and (starts_late or ends_early):
        partial[first.year] = f"{first.year}, part: {first:%b} {first.day} to {last:%b} {last.day}"
    else:
        if starts_late:
            partial[first.year] = f"{first.year}, part: from {first:%b} {first.day}"
        if ends_early:
            partial[last.year] = f"{last.year}, part: to {last:%b} {last.day}"
    out.attrs["partial"] = partial
    return out


def in_market_days(index: pd.DatetimeIndex, trades: pd.DataFrame) -> pd.Series:
    """True on every bar a position was held (from the entry fill to the exit fill, both included)."""
    held = np.zeros(len(index), dtype=bool)
    if len(trades):
        for entry, exit_ in zip(trades["entry_date"], trades["exit_date"], strict=True):
            lo = index.searchsorted(pd.Timestamp(entry))
            hi = len(index) if exit_ is None or pd.isna(exit_) else index.searchsorted(pd.Timestamp(exit_), "right")
            held[lo:hi] = True
    return pd.Series(held, index=index)


def monthly_table(returns: pd.Series, held: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Year x month compounded returns (columns Jan..Dec, then the year's total) and a same-shape mask of the months
    without a single day in the market."""
    growth = 1.0 + returns
    keys = [returns.index.year, returns.index.month]
    monthly = (growth.groupby(keys).prod() - 1.0).unstack()
    monthly = monthly.reindex(columns=range(1, 13))
    out = monthly.reindex(columns=range(1, 13))
    if held is not None:
        any_held = held.groupby(keys).any().unstack().reindex(columns=range(1, 13))
        flat = (any_held == False) & monthly.notna()  # noqa: E712  (NaN months are not "flat")
    else:
        flat = pd.DataFrame(False, index=monthly.index, columns=monthly.columns)
    out.columns = list(MONTHS)
    flat.columns = list(MONTHS)
    out["total"] = growth.groupby(returns.index.year).prod() - 1.0
    flat["total"] = False
    out.index.name = flat.index.name = "year"
    return out, flat.astype(bool)


def trade_statistics(trades: pd.DataFrame) -> list[tuple[str, float | int | None, str]]:
    """(label, value, kind) for the closed trades: the definitions of `engine.analysis.metrics.trade_stats`."""
    closed = trades[trades["status"] == "closed"] if len(trades) else trades
    n = len(closed)
    if n == 0:
        return [("closed trades", 0, "int")]
    rets = closed["return_pct"].to_numpy(dtype=float)
    pnl = closed["pnl_net"].to_numpy(dtype=float)
    bars = closed["bars_held"].to_numpy(dtype=float)
    wins, losses = pnl[pnl > 0], pnl[pnl < 0]
    open_n = int((trades["status"] == "open").sum())
    return [
        ("closed trades", n, "int"), ("open at the end", open_n, "int"),
        ("winners", len(wins), "int"), ("losers", len(losses), "int"),
        ("win rate", float((pnl > 0).mean()), "pct"),
        ("average trade", float(rets.mean()), "spct"), ("median trade", float(np.median(rets)), "spct"),
        ("average winner", float(rets[pnl > 0].mean()) if len(wins) else None, "spct"),
        ("average loser", float(rets[pnl < 0].mean()) if len(losses) else None, "spct"),
        ("best trade", float(rets.max()), "spct"), ("worst trade", float(rets.min()), "spct"),
        ("profit factor", float(wins.sum() / -losses.sum()) if len(losses) else None, "ratio"),
        ("net P&L", float(pnl.sum()), "usd"),
        *cost_rows(trades),
        ("average bars held", float(bars.mean()), "ratio"), ("longest trade, bars", float(bars.max()), "int"),
    ]


def cost_rows(trades: pd.DataFrame) -> list[tuple[str, float | None, str]]:
    """Costs as a trader counts them, over every trade (an open one's entry included): commission, slippage (already
    in the fill prices) and their sum."""
    commission = float(trades["commission"].sum())
    if "slippage" not in trades or trades["slippage"].isna().all():  # a run stored before slippage was counted
        return [("commission paid (slippage not recorded)", commission, "usd")]
    slippage = float(trades["slippage"].sum())
    return [("commission paid", commission, "usd"), ("slippage paid (in the fill prices)", slippage, "usd"),
            ("costs paid, total", commission + slippage, "usd")]


def exit_reasons(trades: pd.DataFrame) -> list[tuple[str, int, float]]:
    """(reason, trades, share) for every exit reason, most frequent first; a position still open is "end of data"."""
    if not len(trades) or "exit_reason" not in trades:
        return []
    counts = trades["exit_reason"].fillna("not recorded").value_counts()
    return [(str(reason), int(n), float(n) / len(trades)) for reason, n in counts.items()]


def risk_statistics(returns: pd.Series, benchmark: pd.Series | None, ppy: int = 252) -> list[tuple[str, float | None, float | None, str]]:
    """pyfolio's other perf_stats rows (same definitions, via numpy): (label, strategy, benchmark, kind)."""
    def stats(r: pd.Series) -> dict:
        x = r.to_numpy(dtype=float)
        x = x[~np.isnan(x)]
        sd = x.std(ddof=1) if len(x) > 1 else np.nan
        log_cum = np.cumsum(np.log1p(x))
        t = np.arange(len(log_cum))
        flat = len(x) < 3 or np.ptp(log_cum) == 0
        stability = None if flat else float(np.corrcoef(t, log_cum)[0, 1] ** 2)
        p95, p5 = (np.percentile(x, 95), np.percentile(x, 5)) if len(x) else (np.nan, np.nan)
        m = x.mean() if len(x) else np.nan
        centred = x - m
        m2 = (centred ** 2).mean() if len(x) else np.nan
        # A statistic with no finite value says why ("n/a: ..."), never a bare NaN.
        tail = float(abs(p95) / abs(p5)) if p5 else (
            f"n/a: the 5th percentile of daily returns is 0 (95th: {p95:.4%}): no position on more than 5% of days")
        return {
            "stability": stability if stability is not None else "n/a: the wealth curve never moves",
            "tail ratio": tail,
            "daily value at risk (2σ)": float(m - 2 * sd),
            "skew": float((centred ** 3).mean() / m2 ** 1.5) if m2 else "n/a: every daily return is the same",
            "kurtosis (excess)": float((centred ** 4).mean() / m2 ** 2 - 3) if m2 else "n/a: every daily return is the same",
            "best day": float(x.max()) if len(x) else None, "worst day": float(x.min()) if len(x) else None,
        }

    kinds = {"stability": "ratio", "tail ratio": "ratio", "daily value at risk (2σ)": "pct", "skew": "ratio",
             "kurtosis (excess)": "ratio", "best day": "spct", "worst day": "spct"}
    s = stats(returns)
    b = stats(benchmark) if benchmark is not None else {}
    rows = [(k, s[k], b.get(k), kinds[k]) for k in kinds]
    if benchmark is not None:
        bx, sx = benchmark.to_numpy(dtype=float), returns.to_numpy(dtype=float)
        ok = ~(np.isnan(bx) | np.isnan(sx))
        bx, sx = bx[ok], sx[ok]
        var = bx.var(ddof=1)
        beta = float(np.cov(sx, bx, ddof=1)[0, 1] / var) if var > 0 else None
        alpha = float((1 + (sx - beta * bx).mean()) ** ppy - 1) if beta is not None else None
        rows += [("beta to buy-and-hold", beta, None, "ratio"), ("alpha, a year", alpha, None, "spct")]
    return rows


def trade_list(trades: pd.DataFrame, first: int = 15, last: int = 15) -> tuple[pd.DataFrame, int]:
    """All trades numbered from 1, or the first and last ones when there are many; returns (rows, hidden)."""
    t = trades.reset_index(drop=True).copy()
    t.index = pd.RangeIndex(1, len(t) + 1, name="#")
    if len(t) <= first + last + 5:
        return t, 0
    return pd.concat([t.iloc[:first], t.iloc[-last:]]), len(t) - first - last
