"""Benchmark: tearsheet generation time next to the backtest's, on the full ^RUT history (medians, ratio).

Backtests and reports alternate in one process (the first report is the cold one), so load on a shared
machine weighs on both sides of the ratio alike.

Run from the repo root: python benchmarks/report_speed.py [CONFIG] [--repeat N]
The first report pays the one-off imports (matplotlib; pyfolio is no longer imported); it is shown apart
from the median of the warm ones, since `rtybt run` pays it once per process. Targets (issue #13): warm at
most 1.5x the backtest, cold at most 2.5x, measured side by side in this one run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", default=str(REPO / "configs" / "ma_reclaim.yaml"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from rtybt.engine import run as engine_run
    from rtybt.engine.config import load_config
    from rtybt.engine.data import load_run_bars
    from rtybt.engine.report.run.inputs import from_result
    from rtybt.engine.run import run_backtest

    config = load_config(args.config)
    bars, bench = load_run_bars(config)

    def backtest():
        engine_run._LAST_BENCHMARK.clear()  # the whole backtest `rtybt run` pays: buy-and-hold not kept from the last
        start = time.perf_counter()
        out = run_backtest(config, bars.frame, bench.frame if bench else None)
        backtests.append(time.perf_counter() - start)
        return out

    # Interleaved (backtest, report, backtest, report, ...) so that a busy machine slows both sides alike.
    backtests: list[float] = []
    result = backtest()
    inputs = from_result(config, result, bars.frame)
    start = time.perf_counter()
    from rtybt.engine.report.run.tearsheet import build_report  # noqa: E402  (timed: the cold import is part of the cost)

    files = build_report(inputs)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(args.repeat):
        backtest()
        start = time.perf_counter()
        build_report(inputs)
        warm.append(time.perf_counter() - start)

    bt, rep = statistics.median(backtests), statistics.median(warm)
    size = sum(len(v) for v in files.values()) / 1e6
    print(f"config: {args.config} ({len(bars.frame)} bars, {len(result.setups)} setups, "
          f"benchmark {'on' if bench else 'off'}), {args.repeat} repeats")
    print(f"{'backtest (engine.run.run_backtest)':<42}{'median':>8} {bt:7.2f} s   runs: "
          + ", ".join(f"{t:.2f}" for t in backtests))
    print(f"{'report, first call (cold imports)':<42}{'':>8} {cold:7.2f} s   ratio to backtest {cold / bt:5.2f}x")
    print(f"{'report, warm (build_report)':<42}{'median':>8} {rep:7.2f} s   ratio to backtest {rep / bt:5.2f}x   runs: "
          + ", ".join(f"{t:.2f}" for t in warm))
    print(f"report files: {len(files)}, {size:.2f} MB (tearsheet.html {len(files['tearsheet.html']) / 1e6:.2f} MB)")
    print(f"targets: warm <= 1.5x ({'met' if rep / bt <= 1.5 else 'MISSED'}), "
          f"cold <= 2.5x ({'met' if cold / bt <= 2.5 else 'MISSED'})")


if __name__ == "__main__":
    main()
