"""Benchmark: `rtybt regress` on a process pool against the same configs run one after another.

Usage: python benchmarks/regress_pool.py [--runs N] [--workers W] [--variants K]

Runs K variants of configs/ma_reclaim.yaml on the full ^RUT history (hold_bars = 1..K, so each
job is a real, different backtest) serially and on a pool of W workers, interleaved so machine
load hits both sides alike; prints the median wall time of each side and their ratio. The records
of both sides are checked equal (the pool must not change a result, only the time).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--variants", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("RTYBT_DATA_DIR", str(REPO / "data" / "snapshot"))
    os.environ["RTYBT_OFFLINE"] = "1"

    from rtybt.engine.regress.runner import Job, run_jobs

    config = str(REPO / "configs" / "ma_reclaim.yaml")
    jobs = [Job(config, (f"strategy.params.hold_bars={k}",)) for k in range(1, args.variants + 1)]
    times: dict[str, list[float]] = {"serial": [], f"pool of {args.workers}": []}
    records = {}
    for _ in range(args.runs):
        for name, workers in (("serial", 1), (f"pool of {args.workers}", args.workers)):
            t0 = time.perf_counter()
            outcomes = run_jobs(jobs, workers)
            times[name].append(time.perf_counter() - t0)
            records[name] = [o.record for o in outcomes]
    same = records["serial"] == records[f"pool of {args.workers}"]
    serial = statistics.median(times["serial"])
    print(f"{len(jobs)} full ^RUT backtests, {args.runs} runs each side, {os.cpu_count()} cores")
    print(f"{'side':<12} {'median s':>9}  runs")
    for name, values in times.items():
        print(f"{name:<12} {statistics.median(values):>9.2f}  " + " ".join(f"{v:.2f}" for v in values))
    pooled = statistics.median(times[f"pool of {args.workers}"])
    print(f"speed-up (serial / pool): {serial / pooled:.2f}x; records identical: {same}")


if __name__ == "__main__":
    main()
