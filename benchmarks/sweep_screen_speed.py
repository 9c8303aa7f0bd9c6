"""Benchmark: the twins' screen of a 10,000-variant ma_reclaim grid on the full ^RUT history, side by side
with the Backtrader pool on a 100-variant subset and, if installed, vectorbt's Portfolio.from_signals on the
same grid.

Usage: python benchmarks/sweep_screen_speed.py [--workers 2] [--repeats 3] [--bt-subset 100]
       (vectorbt: pip install -e '.[bench]'; without it the script says so and runs the rest)

Targets (issue 8): the screen at >= 1,000 variants/s on this 2-core machine, and at least as fast as vectorbt
on the same grid. Prints medians over --repeats, and checks the subset's screened numbers against Backtrader's.
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

MA_PERIODS = list(range(5, 255))  # 250 periods
HOLD_BARS = list(range(1, 41))  # x 40 = 10,000 variants
_STATE: dict = {}
print = functools.partial(print, flush=True)  # noqa: A001  (partial results survive an interrupted run)


def load_frame():
    from rtybt.engine.config import ValidationPolicy
    from rtybt.engine.data import load_bars

    data_dir = Path(os.environ.get("RTYBT_DATA_DIR") or REPO / "data" / "snapshot")
    return load_bars("^RUT", data_dir, ValidationPolicy(), None, None, "benchmark").frame


def base_config():
    from rtybt.engine.config import validate_config

    return validate_config(
        {"data": {"symbol": "^RUT"}, "strategy": {"name": "ma_reclaim"}, "benchmark": {"enabled": False}},
        "benchmark",
    )


def grid() -> list[dict]:
    return [
        {"ma_period": m, "hold_bars": h, "below_ma_period": None, "stop_pct": None}
        for m in MA_PERIODS for h in HOLD_BARS
    ]


# -- twins -----------------------------------------------------------------------------------------
def _twin_worker_init(frame):
    from rtybt.engine.twins.bars import BarArrays

    _STATE["bars"] = BarArrays.from_frame(frame)
    _STATE["config"] = base_config()


def _twin_chunk(variants):
    from rtybt.engine.twins.screen import screen

    return screen(_STATE["config"], _STATE["bars"], variants)


def twin_screen(frame, variants, workers):
    """All variants through the twins; chunks keep one ma_period's variants together (they share its SMA)."""
    if workers == 1:
        _twin_worker_init(frame)
        return _twin_chunk(variants)
    per = len(HOLD_BARS)
    chunks = [variants[i : i + per * 5] for i in range(0, len(variants), per * 5)]
    with mp.get_context("fork").Pool(workers, initializer=_twin_worker_init, initargs=(frame,)) as pool:
        parts = pool.map(_twin_chunk, chunks)
    return [row for part in parts for row in part]


# -- Backtrader --------------------------------------------------------------------------------------
def _bt_worker_init(frame):
    _STATE["frame"] = frame
    _STATE["config"] = base_config()


def _bt_one(params):
    from rtybt.engine.run import run_backtest

    cfg = _STATE["config"].model_copy(deep=True)
    cfg.strategy.params = params
    return run_backtest(cfg, _STATE["frame"]).metrics


def backtrader_pool(frame, variants, workers):
    with mp.get_context("fork").Pool(workers, initializer=_bt_worker_init, initargs=(frame,)) as pool:
        return pool.map(_bt_one, variants, chunksize=1)


# -- vectorbt ----------------------------------------------------------------------------------------
def vectorbt_grid(frame, periods, holds):
    """The same signals as 2-D boolean arrays (one column per variant), filled at the next open with the same
    costs and a 95%-of-cash whole-unit size; returns each column's Sharpe ratio."""
    import numpy as np
    import pandas as pd
    import vectorbt as vbt

    from rtybt.engine.analysis.indicators import exact_sma, run_length

    close = frame["close"].to_numpy()
    out = []
    for m in periods:
        ma = exact_sma(close, m)
        with np.errstate(invalid="ignore"):
            run = run_length(close > ma)
            below = close < ma
        first = np.arange(len(close))[:, None] >= (m - 1 + np.asarray(holds))[None, :]
        entries = (run[:, None] == np.asarray(holds)[None, :]) & first
        exits = np.repeat(below[:, None], len(holds), axis=1) & first
        # signal on the close, order at the next bar's open
        entries = np.vstack([np.zeros((1, len(holds)), bool), entries[:-1]])
        exits = np.vstack([np.zeros((1, len(holds)), bool), exits[:-1]])
        pf = vbt.Portfolio.from_signals(
            close=frame["close"], entries=pd.DataFrame(entries, index=frame.index),
            exits=pd.DataFrame(exits, index=frame.index), price=frame["open"], fees=0.0002, slippage=0.0003,
            size=0.95, size_type="percent", size_granularity=1, init_cash=100_000.0, freq="1D",
        )
        out.extend(pf.sharpe_ratio().to_numpy().tolist())
    return out


def median_time(fn, repeats):
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--bt-subset", type=int, default=100)
    args = parser.parse_args()

    frame = load_frame()
    variants = grid()
    print(f"^RUT {frame.index[0].date()}..{frame.index[-1].date()} ({len(frame)} bars); grid: ma_period "
          f"{MA_PERIODS[0]}..{MA_PERIODS[-1]} x hold_bars {HOLD_BARS[0]}..{HOLD_BARS[-1]} = {len(variants)} "
          f"variants; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")

    t1, rows = median_time(lambda: twin_screen(frame, variants, 1), args.repeats)
    tw, rows_w = median_time(lambda: twin_screen(frame, variants, args.workers), args.repeats)
    assert rows == rows_w, "pooled screen differs from the serial one"
    step = max(1, len(variants) // args.bt_subset)
    subset = list(range(0, len(variants), step))[: args.bt_subset]
    tb, bt_rows = median_time(lambda: backtrader_pool(frame, [variants[i] for i in subset], args.workers), 1)

    def rel(a, b):
        return abs(a - b) / max(abs(b), 1e-300)

    worst = max(rel(rows[i]["sharpe"], b["sharpe"]) for i, b in zip(subset, bt_rows, strict=True))
    same_trades = all(rows[i]["trades"] == b["trades"] for i, b in zip(subset, bt_rows, strict=True))

    rate1, ratew, rateb = len(variants) / t1, len(variants) / tw, len(subset) / tb
    print(f"{'engine':<42}{'variants':>9}{'seconds':>10}{'variants/s':>12}{'vs Backtrader':>15}")
    print(f"{'twins screen, 1 process':<42}{len(variants):>9}{t1:>10.2f}{rate1:>12.0f}{rate1 / rateb:>14.0f}x")
    print(f"{f'twins screen, {args.workers} workers':<42}{len(variants):>9}{tw:>10.2f}{ratew:>12.0f}{ratew / rateb:>14.0f}x")
    print(f"{f'Backtrader pool, {args.workers} workers (subset)':<42}{len(subset):>9}{tb:>10.2f}{rateb:>12.1f}{1:>14.0f}x")
    try:
        import vectorbt  # noqa: F401
    except ImportError:
        print("vectorbt not installed (pip install -e '.[bench]'): no vectorbt column")
        vbt_rate = None
    else:
        t0 = time.perf_counter()
        vectorbt_grid(frame.iloc[:300], [5], HOLD_BARS)  # numba compiles for these shapes and types first
        compile_s = time.perf_counter() - t0
        tv, _ = median_time(lambda: vectorbt_grid(frame, MA_PERIODS, HOLD_BARS), args.repeats)
        vbt_rate = len(variants) / tv
        print(f"{'vectorbt from_signals, 1 process':<42}{len(variants):>9}{tv:>10.2f}{vbt_rate:>12.0f}"
              f"{vbt_rate / rateb:>14.0f}x   (+{compile_s:.1f} s numba compile, not counted)")
    print(f"subset check: {len(subset)} variants, closed trades identical: {same_trades}; "
          f"largest relative Sharpe difference twin vs Backtrader: {worst:.1e}")
    verdict = "met" if ratew >= 1000 else "NOT met"
    print(f"target >= 1,000 variants/s with {args.workers} workers: {verdict} ({ratew:.0f}/s)")
    if vbt_rate is not None:
        print(f"twins vs vectorbt: 1 process {rate1 / vbt_rate:.2f}x, {args.workers} workers {ratew / vbt_rate:.2f}x "
              f"({'at least as fast' if ratew >= vbt_rate else 'slower'})")


if __name__ == "__main__":
    main()
