"""Benchmark: `rtybt --help` wall time and rtybt's engine time against a bare Backtrader script.

Usage: python benchmarks/startup_and_engine.py [--runs N] [--config configs/ma_reclaim.yaml]

Prints medians over N runs, side by side, from one invocation. Start-up is timed as a user meets it from the
second run on: Python's bytecode cache is allowed (PYTHONDONTWRITEBYTECODE is dropped from the timed commands'
environment, and one untimed run of each command writes the cache, as a checkout's first run or pip's install
does); the line "bytecode" says so. Targets: `rtybt --help` and
`rtybt run --help` at most 0.15 s each (issue 21; measured against `python -c pass` on the same machine, which
the ratio column shows: on a loaded machine both grow); rtybt's engine at most 0.8x a bare script that runs the same strategy on the same bars
through the stock PandasData feed with the stock analyzers (TimeReturn, DrawDown, SharpeRatio,
TradeAnalyzer) and Cerebro's defaults. Runs are interleaved so machine load hits both sides alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HELP_TARGET_S = 0.15  # each help screen, wall time of the whole process (median)
sys.path.insert(0, str(REPO))


# A machine may set PYTHONDONTWRITEBYTECODE for everything: then every start
# would compile rtybt's modules from source, a cost no user pays twice.
START_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(command: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO, env=START_ENV)
    return time.perf_counter() - t0


def bare_backtrader(config, frame):
    """The same strategy, costs and sizer through stock Backtrader: PandasData + stock analyzers."""
    import backtrader as bt

    from rtybt.engine.run.broker import configure
    from rtybt.strategies import get_strategy

    cerebro = bt.Cerebro()
    cerebro.adddata(bt.feeds.PandasData(dataname=frame, name=config.data.symbol))
    configure(cerebro, config.broker, config.sizing)
    cerebro.addstrategy(get_strategy(config.strategy.name), **config.strategy.params)
    cerebro.addanalyzer(bt.analyzers.TimeReturn, timeframe=bt.TimeFrame.Days, _name="returns")
    cerebro.addanalyzer(bt.analyzers.DrawDown, _name="drawdown")
    cerebro.addanalyzer(bt.analyzers.SharpeRatio, timeframe=bt.TimeFrame.Days, annualize=True,
                        riskfreerate=0.0, _name="sharpe")
    cerebro.addanalyzer(bt.analyzers.TradeAnalyzer, _name="trades")
    return cerebro.run()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="engine runs (each a whole backtest)")
    parser.add_argument("--startup-runs", type=int, default=21, help="runs of each start-up command")
    parser.add_argument("--config", default=str(REPO / "configs" / "ma_reclaim.yaml"))
    args = parser.parse_args()
    rtybt = Path(sys.executable).with_name("rtybt")

    # -- start-up --
    commands = {"python -c pass": [sys.executable, "-c", "pass"], "rtybt --help": [str(rtybt), "--help"],
                "rtybt run --help": [str(rtybt), "run", "--help"]}
    startup: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # untimed: writes the bytecode cache
        wall(command)
    for _ in range(args.startup_runs):
        for name, command in commands.items():
            startup[name].append(wall(command))

    # -- engine --
    from rtybt.engine import run as engine_run
    from rtybt.engine.config import load_config
    from rtybt.engine.data import load_run_bars
    from rtybt.engine.run import run_backtest

    config = load_config(args.config)
    bars, bench = load_run_bars(config)
    solo = config.model_copy(deep=True)
    solo.benchmark.enabled = False
    engine = {"bare Backtrader (PandasData, stock analyzers)": [], "rtybt engine, strategy only": [],
              "rtybt engine + buy & hold benchmark": []}
    bare_fills = rtybt_fills = None
    for _ in range(args.runs):
        t0 = time.perf_counter()
        strat = bare_backtrader(solo, bars.frame)
        engine["bare Backtrader (PandasData, stock analyzers)"].append(time.perf_counter() - t0)
        bare_fills = strat.fills
        t0 = time.perf_counter()
        result = run_backtest(solo, bars.frame, None)
        engine["rtybt engine, strategy only"].append(time.perf_counter() - t0)
        rtybt_fills = result.transactions.to_dict("records")
        engine_run._LAST_BENCHMARK.clear()  # a fresh process's cost: the kept buy-and-hold of the last run not reused
        t0 = time.perf_counter()
        run_backtest(config, bars.frame, bench.frame if bench else None)
        engine["rtybt engine + buy & hold benchmark"].append(time.perf_counter() - t0)

    from rtybt.engine.core.numbers import setting_text

    params = ", ".join(f"{k}={setting_text(v)}" for k, v in config.strategy.params.items())
    print(f"rtybt start-up and engine, medians of {args.runs} runs ({len(bars.frame)} bars of {bars.symbol}, "
          f"{config.strategy.name}: {params})")
    print(f"  bytecode: cached (one untimed run first), start-up medians of {args.startup_runs} runs")
    print(f"{'':48} {'median s':>9} {'min s':>8}  ratio")
    base = statistics.median(startup["python -c pass"])
    for name, times in startup.items():
        med = statistics.median(times)
        print(f"  {name:46} {med:9.3f} {min(times):8.3f}  {med / base:5.2f}x python")
    bare = statistics.median(engine["bare Backtrader (PandasData, stock analyzers)"])
    for name, times in engine.items():
        med = statistics.median(times)
        print(f"  {name:46} {med:9.3f} {min(times):8.3f}  {med / bare:5.2f}x bare")
    same = len(bare_fills) == len(rtybt_fills) and all(
        a["date"] == b["date"] and abs(a["price"] - b["price"]) < 1e-9 for a, b in zip(bare_fills, rtybt_fills, strict=False)
    )
    print(f"  same fills in both engines: {'yes' if same else 'NO'} ({len(rtybt_fills)} fills)")
    ratio = statistics.median(engine["rtybt engine, strategy only"]) / bare
    verdicts = []
    for name in ("rtybt --help", "rtybt run --help"):
        med = statistics.median(startup[name])
        verdicts.append(f"{name} <= {HELP_TARGET_S:.2f} s: {'MET' if med <= HELP_TARGET_S else 'MISSED'} ({med:.3f} s)")
    verdicts.append(f"engine <= 0.80x bare: {'MET' if ratio <= 0.8 else 'MISSED'} ({ratio:.2f}x)")
    print("targets: " + "; ".join(verdicts))


if __name__ == "__main__":
    main()
