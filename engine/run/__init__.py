"""Engine stage: one config + bars -> RunResult (a fresh Cerebro per call; no I/O, no printing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import backtrader as bt
import numpy as np
import pandas as pd

from rtybt.engine.analysis.metrics import compute_metrics
from rtybt.engine.config import RunConfig
from rtybt.engine.config.contracts import contract_terms
from rtybt.engine.run.broker import configure, stated_costs
from rtybt.engine.run.feed import make_feed
from rtybt.engine.run.ledger import ledger
from rtybt.engine.run.trades import build_trades
from rtybt.engine.run.usercode import user_code
from rtybt.strategies import get_strategy
from rtybt.strategies.base import NOT_ORDERED


class EquityRecorder(bt.Analyzer):
    """Equity, cash, position and its average entry price at every bar's close (warm-up bars included)."""

    def start(self):
        self.rows = []

    def next(self):
        broker, position = self.strategy.broker, self.strategy.position
        self.rows.append((broker.getvalue(), broker.getcash(), position.size, position.price))


@dataclass
class StrategyRun:
    """What one Backtrader pass produced, before metrics."""

    equity: pd.Series
    cash: pd.Series
    position: pd.Series
    entry_price: pd.Series  # the open position's average fill price (0 when flat)
    fills: list[dict]
    order_issues: list[dict]
    setups: list
    unfilled_at_end: list[dict] = field(default_factory=list)  # signalled on the last bar: no next open


@dataclass
class RunResult:
    """Everything a report needs from a run; `metrics` and `benchmark_metrics` are JSON-ready dicts."""

    config: RunConfig
    symbol: str
    returns: pd.Series
    equity: pd.Series
    positions: pd.DataFrame
    transactions: pd.DataFrame
    trades: pd.DataFrame
    order_issues: pd.DataFrame
    metrics: dict
    costs: str
    setups: list = field(default_factory=list)  # dates whose close met the entry condition
    benchmark_symbol: str | None = None
    benchmark_returns: pd.Series | None = None
    benchmark_metrics: dict | None = None
    warnings: list[str] = field(default_factory=list)
    contract: dict | None = None  # a future's contract terms (engine/config/contracts.py), for the report


ISSUE_COLUMNS = ["date", "side", "size", "status", "signal_date", "signal_close", "reason"]


def not_ordered_warning(rows: pd.DataFrame) -> list[str]:
    """One warning for all the signals the sizer turned into no order (each is a row of order_issues.csv)."""
    if rows.empty:
        return []
    first = rows.iloc[0]
    return [f"{len(rows)} signal(s) placed no order, first on {first.signal_date}: {first.reason} "
            "(each is a row of order_issues.csv)"]


def run_strategy(strategy_cls, params: dict, frame: pd.DataFrame, config: RunConfig, name: str,
                 stdstats: bool = False) -> StrategyRun:
    """One Backtrader pass of `strategy_cls` over `frame` with the config's broker and sizing."""
    cerebro = bt.Cerebro(stdstats=stdstats, runonce=True, preload=True)
    cerebro.adddata(make_feed(frame, name))
    configure(cerebro, config.broker, config.sizing)
    cerebro.addstrategy(strategy_cls, **params)
    cerebro.addanalyzer(EquityRecorder, _name="equity")
    with user_code(strategy_cls):
        strat = cerebro.run()[0]
    rows = strat.analyzers.equity.rows
    values = np.array(rows, dtype=float).reshape(-1, 4)
    index = frame.index[: len(values)]
    return StrategyRun(
        equity=pd.Series(values[:, 0], index=index, name="equity"),
        cash=pd.Series(values[:, 1], index=index, name="cash"),
        position=pd.Series(values[:, 2], index=index, name="position"),
        entry_price=pd.Series(values[:, 3], index=index, name="entry_price"),
        fills=list(strat.fills),
        order_issues=list(strat.order_issues),
        setups=list(strat.setups),
        unfilled_at_end=list(strat.unfilled_at_end),
    )


def _returns(equity: pd.Series, cash: float) -> pd.Series:
    prev = equity.shift(1)
    prev.iloc[0] = cash
    return (equity / prev - 1.0).rename("returns")


def run_backtest(config: RunConfig, frame: pd.DataFrame, benchmark_frame: pd.DataFrame | None = None,
                 on_stage: Callable[[str], None] | None = None) -> RunResult:
    """Run the configured strategy (and buy-and-hold on the benchmark) over validated bars."""
    strategy_cls = get_strategy(config.strategy.name, config.strategy.file)
    symbol = config.data.symbol
    run = run_strategy(strategy_cls, config.strategy.params, frame, config, symbol)
    multiplier = config.broker.multiplier if config.broker.instrument == "future" else 1.0
    cash0 = config.broker.cash
    returns = _returns(run.equity, cash0)
    trades = build_trades(run.fills, frame.index, float(frame["close"].iloc[-1]), multiplier,
                          frame["open"].to_numpy(dtype=float))
    in_market = run.position != 0
    close = frame["close"].iloc[: len(run.position)]
    positions = ledger(run, close, config)
    transactions = pd.DataFrame(run.fills, columns=["date", "side", "size", "price", "commission", "signal_date"])
    issues = pd.DataFrame(run.order_issues, columns=ISSUE_COLUMNS)
    not_ordered = issues[issues["status"] == NOT_ORDERED]
    refused = issues[issues["status"] != NOT_ORDERED]
    ann = config.analysis
    metrics = compute_metrics(returns, in_market, trades, cash0, ann.risk_free_rate, ann.periods_per_year)
    metrics["orders_refused"] = len(refused)
    metrics["signals_not_ordered"] = len(not_ordered)
    warnings = [
        f"order refused by the broker ({row.status}): {row.side} {row.size:g} signalled on {row.signal_date}"
        for row in refused.itertuples()
    ] + not_ordered_warning(not_ordered) + [
        f"{o['side']} {o['size']:g} signalled on {o['signal_date']}, the last bar, was not filled: no next open"
        for o in run.unfilled_at_end
    ]
    result = RunResult(
        config=config, symbol=symbol, returns=returns, equity=run.equity, positions=positions,
        transactions=transactions, trades=trades, order_issues=issues, metrics=metrics,
        costs=stated_costs(config.broker, symbol), setups=run.setups, warnings=warnings,
        contract=contract_terms(config),
    )
    if benchmark_frame is not None:
        bench = run_benchmark(config, frame, returns.index, benchmark_frame, on_stage)
        result.benchmark_symbol, result.benchmark_returns = bench.symbol, bench.returns
        result.benchmark_metrics = bench.metrics
        result.warnings.extend(bench.warnings)
    return result


@dataclass
class BenchmarkRun:
    """Buy-and-hold on the benchmark's bars, on the strategy's calendar."""

    symbol: str
    returns: pd.Series
    metrics: dict
    warnings: list[str]


def run_benchmark(config: RunConfig, frame: pd.DataFrame, index: pd.Index, benchmark_frame: pd.DataFrame,
                  on_stage: Callable[[str], None] | None = None) -> BenchmarkRun:
    """Buy-and-hold on `benchmark_frame` over the days `index` of the strategy's run on `frame` (alone, for a
    sweep whose variants already ran: the same numbers as `run_backtest` gives next to a strategy).

    `rtybt compare` runs several configs with the same benchmark, costs and days: the last result is kept, by
    everything it is computed from (the bars' bytes, the days, the broker, sizing and analysis sections), and
    handed out again as a copy instead of a second Backtrader pass."""
    bench_symbol = config.benchmark.symbol or config.data.symbol
    if on_stage is not None:
        on_stage("benchmark")
    key = _benchmark_key(config, bench_symbol, frame, index, benchmark_frame)
    if key is not None and _LAST_BENCHMARK.get("key") == key:
        return _copied(_LAST_BENCHMARK["run"])
    result = _run_benchmark(config, bench_symbol, frame, index, benchmark_frame)
    _LAST_BENCHMARK.clear()
    if key is not None:
        _LAST_BENCHMARK.update(key=key, run=_copied(result))
    return result


_LAST_BENCHMARK: dict = {}


def _copied(run: BenchmarkRun) -> BenchmarkRun:
    import copy

    return BenchmarkRun(run.symbol, run.returns.copy(), copy.deepcopy(run.metrics), list(run.warnings))


def _benchmark_key(config: RunConfig, bench_symbol: str, frame: pd.DataFrame, index: pd.Index,
                   benchmark_frame: pd.DataFrame) -> str | None:
    """A sha256 of every input of a benchmark pass; None (no reuse) for bars that are not plain numbers."""
    import hashlib

    if not isinstance(index, pd.DatetimeIndex) or not isinstance(benchmark_frame.index, pd.DatetimeIndex):
        return None
    if not all(pd.api.types.is_numeric_dtype(t) for t in benchmark_frame.dtypes):
        return None
    digest = hashlib.sha256()
    for part in (bench_symbol, config.broker.model_dump_json(), config.sizing.model_dump_json(),
                 config.analysis.model_dump_json(), str(frame.index[0]), str(index.tz), str(index.name),
                 str(benchmark_frame.index.tz),
                 "\0".join(map(str, benchmark_frame.columns)), str(benchmark_frame.dtypes.tolist())):
        digest.update(part.encode() + b"\0")
    digest.update(np.ascontiguousarray(index.asi8).tobytes() + b"\0")
    digest.update(np.ascontiguousarray(benchmark_frame.index.asi8).tobytes() + b"\0")
    for column in benchmark_frame.columns:
        digest.update(np.ascontiguousarray(benchmark_frame[column].to_numpy()).tobytes() + b"\0")
    return digest.hexdigest()


def _run_benchmark(config: RunConfig, bench_symbol: str, frame: pd.DataFrame, index: pd.Index,
                   benchmark_frame: pd.DataFrame) -> BenchmarkRun:
    from rtybt.strategies.buy_and_hold import BuyAndHold

    multiplier = config.broker.multiplier if config.broker.instrument == "future" else 1.0
    cash0, ann = config.broker.cash, config.analysis
    bench = run_strategy(BuyAndHold, {}, benchmark_frame, config, bench_symbol)
    # On the strategy's calendar: a benchmark day missing there is carried into the next shared day.
    bench_equity = bench.equity.reindex(index, method="ffill").fillna(cash0)
    bench_returns = _returns(bench_equity, cash0)
    bench_trades = build_trades(bench.fills, benchmark_frame.index, float(benchmark_frame["close"].iloc[-1]),
                                multiplier, benchmark_frame["open"].to_numpy(dtype=float))
    warnings = []
    if bench.order_issues:  # buy & hold retries every bar until it is in: one line for all
        first = bench.order_issues[0]
        warnings.append(
            f"benchmark buy & hold {bench_symbol}: {len(bench.order_issues)} signal(s) placed no position, "
            f"first on {first['signal_date']} ({first['status']}: {first['reason']})"
        )
    if benchmark_frame.index[0] > frame.index[0]:
        # Its metrics span the whole run, flat in cash before its first bar: say so next to them.
        warnings.append(
            f"benchmark {bench_symbol} starts {benchmark_frame.index[0].date()}, after the run's first bar "
            f"{frame.index[0].date()}: it holds cash until then"
        )
    metrics = compute_metrics(bench_returns, (bench.position != 0).reindex(index, fill_value=False), bench_trades,
                              cash0, ann.risk_free_rate, ann.periods_per_year)
    return BenchmarkRun(bench_symbol, bench_returns, metrics, warnings)
