"""Benchmark: the verdicts' error rates where the truth is known, against the standard's nominal rates.

Synthetic markets (tests/engine/analysis/synthetic_markets.py): a strategy and its buy-and-hold benchmark share a
GARCH(1,1) volatility and correlated shocks; the strategy's Sharpe is the benchmark's plus a planted edge (none,
positive or negative). Over a few hundred seeds each:

- the tearsheet's status (engine/analysis/verdict via paired.differences + standard.strategy_word): with no edge,
  any status other than "not distinguishable" is a false verdict (nominal: at most 1 - CONFIDENCE, since the four
  differences are Holm-corrected together); with a planted edge, the opposite status is a false verdict (nominal:
  at most (1 - CONFIDENCE) / 2), and the share found is the power;
- the sweep's reality check (Hansen's SPA): K zero-edge variants, "more than luck" is a false verdict (nominal at
  most 1 - CONFIDENCE); one planted winner among them, the share found is the power;
- a share (standard.share_interval, Wilson): the interval's coverage of the true rate (nominal CONFIDENCE).

Each line prints observed against nominal with MET or MISSED (a rate is MET when it is within two binomial standard
errors of the nominal bound). Run from the repo root: python benchmarks/verdict_error_rates.py [--seeds N]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def line(name: str, observed: float, nominal: float, n: int, at_most: bool = True) -> str:
    se = math.sqrt(max(nominal * (1 - nominal), 1e-9) / n)
    ok = observed <= nominal + 2 * se if at_most else observed >= nominal - 2 * se
    sign = "<=" if at_most else ">="
    return f"  {name:<58} {observed:7.1%}  nominal {sign} {nominal:5.1%}  {'MET' if ok else 'MISSED'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=300)
    parser.add_argument("--days", type=int, default=2520, help="sessions per synthetic market (default 10 years)")
    parser.add_argument("--variants", type=int, default=20, help="variants per synthetic sweep")
    args = parser.parse_args()

    import numpy as np

    from rtybt.engine.analysis import standard
    from rtybt.engine.analysis.run import paired
    from rtybt.engine.analysis.run.snooping import spa_test
    from tests.engine.analysis.synthetic_markets import paired_returns

    alpha = 1 - standard.CONFIDENCE
    start = time.perf_counter()
    print(f"verdict error rates over {args.seeds} seeds ({args.days} sessions each; confidence "
          f"{standard.CONFIDENCE:.0%}, minimum {standard.MIN_EPISODES} episodes, {standard.MULTIPLE_TESTING})")

    print("tearsheet status (strategy vs buy-and-hold):")
    for edge in (0.0, 1.0, -1.0):
        words = []
        for seed in range(args.seeds):
            s, b = paired_returns(np.random.default_rng(seed), days=args.days, edge_sharpe=edge)
            diffs = paired.differences(s.values, b.values, None, seed=seed)  # production draws
            words.append(standard.strategy_word([d.evidence for d in diffs]))
        if edge == 0:
            false = np.mean([w != standard.NOT_DISTINGUISHABLE for w in words])
            print(line("no edge: any status but 'not distinguishable'", false, alpha, args.seeds))
        else:
            right = standard.PAID_OFF if edge > 0 else standard.DID_NOT_PAY_OFF
            wrong = standard.DID_NOT_PAY_OFF if edge > 0 else standard.PAID_OFF
            print(line(f"edge {edge:+.1f} Sharpe: the opposite status or mixed",
                       np.mean([w in (wrong, standard.MIXED) for w in words]), alpha / 2, args.seeds))
            print(f"  {'  power: ' + repr(right) + ' found':<58} {np.mean([w == right for w in words]):7.1%}")

    print(f"sweep reality check (SPA, {args.variants} variants):")
    for planted in (0.0, 0.0004):
        rejected = []
        for seed in range(args.seeds):
            rng = np.random.default_rng(10_000 + seed)
            bench = 0.0003 + 0.01 * rng.standard_normal(args.days)
            v = bench[:, None] + 0.006 * rng.standard_normal((args.days, args.variants))
            v[:, 0] += planted
            rejected.append(spa_test(v, bench, seed=seed).p_value < alpha)  # production draws
        if planted == 0:
            print(line("no edge: 'more than luck'", float(np.mean(rejected)), alpha, args.seeds))
        else:
            print(f"  {'  power: one winner (+' + format(planted * 252, '.0%') + ' a year) found':<58} "
                  f"{np.mean(rejected):7.1%}")

    print("a share of independent episodes (Wilson interval):")
    rng = np.random.default_rng(7)
    covered = []
    for _ in range(args.seeds):
        n, p = 30, 0.6
        k = int(rng.binomial(n, p))
        low, high = standard.share_interval(k, n)
        covered.append(low <= p <= high)
    print(line("coverage of the true rate (30 episodes, rate 60%)", float(np.mean(covered)), standard.CONFIDENCE,
               args.seeds, at_most=False))
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
