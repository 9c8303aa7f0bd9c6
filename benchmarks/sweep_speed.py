"""Benchmark: a 100-variant ma_reclaim x rsi_momentum grid on the full ^RUT history, four ways, side by side.

Usage: python benchmarks/sweep_speed.py [--variants N] [--workers W] [--repeat R]

1. naive: a serial loop of fresh Cerebro runs as a Backtrader user writes it — stock PandasData, default
   observers (stdstats=True), the stock analyzers that give the table's numbers (TimeReturn, DrawDown,
   SharpeRatio, TradeAnalyzer); the same strategies, costs and sizer;
2. rtybt sweep, 1 worker (in process, bars preloaded, sweep-mode engine);
3. rtybt sweep, process pool on all cores (bars sent once per worker by the pool initializer);
4. rtybt sweep on a Dask LocalCluster (2 worker processes; cluster start-up timed separately).
Prints variants/second and the ratios against the targets of issue 5 (1 worker >= 2x naive; all cores
>= 1.8x one worker; Dask within 15% of the pool), and checks that the three rtybt runs agree bit for bit.
With --repeat R the four run in turn R times; it prints the median time of each and the median of the
per-round ratios with their range (this machine's speed drifts by tens of percent between minutes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

GRIDS = {
    "ma_reclaim": {"ma_period": [20, 30, 40, 50, 60, 70, 80, 90, 100, 110], "hold_bars": [1, 2, 3, 4, 5]},
    "rsi_momentum": {"rsi_min": [50, 52, 54, 56, 58], "exit_ma_period": [20, 30, 40, 50, 60, 70, 80, 90, 100, 110]},
}


def variants_of(data_dir: str | None):
    from rtybt.engine.config import validate_config
    from rtybt.engine.sweep.grid import expand_grid

    out = []
    for name, grid in GRIDS.items():
        raw = {"name": f"bench_{name}", "data": {"symbol": "^RUT", "dir": data_dir},
               "strategy": {"name": name}, "benchmark": {"enabled": False}, "output": {"plots": False}}
        config = validate_config(raw, f"benchmark {name}")
        out += expand_grid(config, grid, f"benchmark {name}")
    # Interleave the two strategies so a partial run (--variants) still has both.
    half = len(out) // 2
    return [v for pair in zip(out[:half], out[half:], strict=True) for v in pair]


def naive_run(config, frame):
    # The same stock-Backtrader baseline as the start-up benchmark: one definition.
    from startup_and_engine import bare_backtrader

    strat = bare_backtrader(config, frame)
    return {"sharpe": strat.analyzers.sharpe.get_analysis().get("sharperatio"),
            "max_drawdown": strat.analyzers.drawdown.get_analysis().max.drawdown,
            "trades": strat.analyzers.trades.get_analysis().get("total", {}).get("closed", 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of all four (each round runs them in turn); medians and per-round ratios")
    parser.add_argument("--data-dir", default=None,
                        help="data directory (default: $RTYBT_DATA_DIR, else the bundled data/snapshot)")
    args = parser.parse_args()

    from rtybt.engine.data import load_bars, resolve_data_dir
    from rtybt.engine.sweep.executors import (
        DaskExecutor,
        PoolExecutor,
        SerialExecutor,
        start_local_cluster,
    )
    from rtybt.engine.sweep.runner import run_variants

    # Same resolution as the configs: flag, $RTYBT_DATA_DIR, then the bundled snapshot the configs point at.
    data_dir, source = resolve_data_dir(args.data_dir, REPO / "data" / "snapshot")
    variants = variants_of(str(data_dir))[: args.variants]
    config = variants[0].config
    frame = load_bars("^RUT", data_dir, config.data.validation, None, None, source).frame
    n = len(variants)
    print(f"{n} variants ({', '.join(GRIDS)}) on ^RUT, {len(frame)} bars "
          f"{frame.index[0].date()}..{frame.index[-1].date()}; {os.cpu_count()} cores")

    labels = ["naive loop (fresh Cerebro, PandasData, observers, stock analyzers)", "rtybt sweep, 1 worker",
              f"rtybt sweep, process pool ({args.workers} workers, start-up included)",
              "rtybt sweep, Dask LocalCluster (2 workers, cluster running)"]
    rounds, startups = [], []
    for r in range(args.repeat):
        # All four in turn within a round, so each round's ratios see the same machine speed.
        seconds = []
        t0 = time.perf_counter()
        naive = [naive_run(v.config, frame) for v in variants]
        seconds.append(time.perf_counter() - t0)
        assert sum(row["trades"] for row in naive) > 0
        t0 = time.perf_counter()
        serial = run_variants(variants, frame, SerialExecutor())
        seconds.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        pooled = run_variants(variants, frame, PoolExecutor(args.workers))
        seconds.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        cluster = start_local_cluster(2)  # the cluster `rtybt sweep --cluster local` starts
        startups.append(time.perf_counter() - t0)
        try:
            t0 = time.perf_counter()
            on_dask = run_variants(variants, frame, DaskExecutor(cluster.scheduler_address))
            seconds.append(time.perf_counter() - t0)
        finally:
            cluster.close()
        same = serial.metrics == pooled.metrics == on_dask.metrics
        rounds.append((seconds, same))
        if args.repeat > 1:
            print(f"round {r + 1}: " + ", ".join(f"{s:.1f} s" for s in seconds), flush=True)

    med = [statistics.median(sec[i] for sec, _ in rounds) for i in range(4)]
    print(f"\n{'':<72}{'seconds':>9}{'variants/s':>12}{'vs naive':>10}")
    if args.repeat > 1:
        print(f"{'(medians of ' + str(args.repeat) + ' rounds)':<72}")
    for label, seconds in zip(labels, med, strict=True):
        print(f"{label:<72}{seconds:>9.1f}{n / seconds:>12.2f}{med[0] / seconds:>9.2f}x")
    print(f"(Dask LocalCluster start-up: median {statistics.median(startups):.1f} s, not included above)")

    def ratio(f) -> tuple[float, str]:
        values = [f(*sec) for sec, _ in rounds]
        spread = f" (rounds: {min(values):.2f}..{max(values):.2f})" if len(values) > 1 else ""
        return statistics.median(values), spread

    one_vs_naive, s1 = ratio(lambda naive_s, one, pool, dask: naive_s / one)
    pool_vs_one, s2 = ratio(lambda naive_s, one, pool, dask: one / pool)
    gap, s3 = ratio(lambda naive_s, one, pool, dask: dask / pool - 1)
    print()
    print(f"1 worker vs naive:   {one_vs_naive:.2f}x  (target >= 2.0x)  {'met' if one_vs_naive >= 2 else 'NOT met'}{s1}")
    print(f"all cores vs 1:      {pool_vs_one:.2f}x  (target >= 1.8x)  {'met' if pool_vs_one >= 1.8 else 'NOT met'}{s2}")
    print(f"Dask vs pool:        {gap:+.1%} time  (target within 15%)  {'met' if gap <= 0.15 else 'NOT met'}"
          + (f" (rounds: {min((d / p - 1) for (_, _, p, d), _ in rounds):+.1%}..{max((d / p - 1) for (_, _, p, d), _ in rounds):+.1%})" if len(rounds) > 1 else ""))
    print(f"serial, pool and Dask metrics identical: {all(same for _, same in rounds)}")

if __name__ == "__main__":
    main()
