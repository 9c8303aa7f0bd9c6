"""Benchmark: coverage of the pooled cross-market interval when no market has an edge (issue 15, item 5).

Usage: python benchmarks/study_coverage.py [--reps 500] [--boot 1000] [--seed 15]

Each repetition draws four correlated synthetic markets (return correlation 0.7) whose setups cluster on the
same days and predict nothing (tests/engine/analysis/synthetic_markets.py), runs the pooled event study at 20
sessions and records whether the 95% interval of the pooled excess covers zero. Side by side: the same data
with every setup its own cluster (what resampling single events would give). Two designs:
- sparse: the setups' forward windows add up to ~8% of each market's sessions. Target: the cross-market clusters
  cover zero within 3 points of the nominal 95%.
- dense: ~3% of days are setups and their windows add up to ~60% of the sessions (ma_reclaim's on ^RUT: ~40%).
  The event study's baseline (every window of the period) is then largely made of the setups' own windows,
  so the excess varies less than the interval, which treats the baseline as fixed, allows: the interval is
  conservative (over-covers). Reported, not a target.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from rtybt.engine.analysis.study.cross_market import clustered_excess, pooled_horizon, setup_table  # noqa: E402
from tests.engine.analysis.synthetic_markets import correlated_markets  # noqa: E402

SYMBOLS = ["^RUT", "IWM", "SPY", "QQQ"]
HORIZON = 20
DESIGNS = {
    "sparse": {"bars": 8000, "market_day": 0.004, "own_day": 0.001},
    "dense": {"bars": 2000, "market_day": 0.03, "own_day": 0.01},
}


def coverage(reps: int, n_boot: int, seed: int, design: str = "sparse") -> dict:
    """Share of repetitions whose pooled interval covers 0: cross-market clusters, and single setups."""
    rng = np.random.default_rng(seed)
    covered = naive = judged = 0
    clusters, shares = [], []
    for rep in range(reps):
        closes, setups = correlated_markets(rng, SYMBOLS, horizon=HORIZON, **DESIGNS[design])
        table = setup_table(closes, setups, HORIZON)
        shares.append(len(table) / len(SYMBOLS) * HORIZON / DESIGNS[design]["bars"])
        pooled = pooled_horizon(table, SYMBOLS[0], HORIZON, n_boot, [seed, rep], 0.95)
        if not pooled.excess.judged:
            continue
        judged += 1
        clusters.append(pooled.excess.clusters)
        low, high = pooled.excess.ci
        covered += low <= 0.0 <= high
        single = clustered_excess(table["excess"].to_numpy(), np.arange(len(table)), n_boot, [seed, rep], 0.95)
        naive += single.ci[0] <= 0.0 <= single.ci[1]
    return {"reps": reps, "judged": judged, "coverage": covered / judged, "naive_coverage": naive / judged,
            "median_clusters": float(np.median(clusters)), "window_share": float(np.mean(shares))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=500)
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    ok = True
    for design in DESIGNS:
        started = time.perf_counter()
        result = coverage(args.reps, args.boot, args.seed, design)
        seconds = time.perf_counter() - started
        print(f"{design}: {result['judged']} of {result['reps']} repetitions judged (median "
              f"{result['median_clusters']:.0f} clusters; the setups' windows add up to ~{result['window_share']:.0%} of the sessions), "
              f"{args.boot} bootstrap draws each, {seconds:.1f} s")
        print(f"  {'':<34}{'coverage of 0':>14}{'vs nominal 95%':>16}")
        for label, key in (("cross-market clusters (rtybt)", "coverage"),
                           ("every setup its own cluster", "naive_coverage")):
            print(f"  {label:<34}{result[key]:>14.1%}{(result[key] - 0.95) * 100:>+15.1f} pt")
        if design == "sparse":
            met = abs(result["coverage"] - 0.95) <= 0.03
            ok &= met
            print(f"  target: within 3 points of 95% -> {'met' if met else 'NOT met'}")
        else:
            print("  (the fixed-baseline interval is conservative when setups make up much of the baseline)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
