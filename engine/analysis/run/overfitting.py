"""Analysis stage: how much of the best variant's Sharpe is the luck of many trials (DSR and PBO).

Both work on per-period (non-annualised) Sharpe ratios of simple daily returns:
- deflated Sharpe ratio, Bailey & López de Prado (2014), "The Deflated Sharpe Ratio";
- probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV),
  Bailey, Borwein, López de Prado & Zhu (2015), "The Probability of Backtest Overfitting".
"""

from __future__ import annotations

import itertools
import math
from statistics import NormalDist

import numpy as np

EULER_GAMMA = 0.5772156649015329
_NORMAL = NormalDist()  # the standard normal: stdlib, so no scipy import (seconds) for two numbers


def per_period_sharpe(returns: np.ndarray) -> np.ndarray:
    """mean / sample std (ddof=1) of each column; 0 where a column never moves (no edge, not undefined)."""
    r = np.asarray(returns, dtype=float)
    if r.ndim == 1:
        r = r[:, None]
    mean = r.mean(axis=0)
    sd = r.std(axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sd > 0, mean / np.where(sd > 0, sd, 1.0), 0.0)


def expected_max_sharpe(sharpe_variance: float, trials: int) -> float:
    """E[max SR] of `trials` independent zero-skill trials whose Sharpe ratios have this variance (eq. 6)."""
    if trials < 2:
        return 0.0
    return math.sqrt(sharpe_variance) * (
        (1 - EULER_GAMMA) * _NORMAL.inv_cdf(1 - 1.0 / trials)
        + EULER_GAMMA * _NORMAL.inv_cdf(1 - 1.0 / (trials * math.e))
    )


def probabilistic_sharpe(sharpe: float, benchmark_sharpe: float, n_obs: int, skew: float, kurtosis: float) -> float:
    """P(true SR > benchmark) given the estimate's non-normality; `kurtosis` is Pearson's (normal = 3)."""
    denom = 1.0 - skew * sharpe + (kurtosis - 1.0) / 4.0 * sharpe**2
    if n_obs < 2 or denom <= 0:
        return float("nan")
    return float(_NORMAL.cdf((sharpe - benchmark_sharpe) * math.sqrt(n_obs - 1) / math.sqrt(denom)))


def deflated_sharpe(best_returns: np.ndarray, trial_sharpes: np.ndarray, benchmark_sharpe: float | None = None
                    ) -> dict:
    """DSR of the chosen strategy: PSR against the Sharpe that the best of K lucky trials would reach.

    With `benchmark_sharpe` (per period: buy-and-hold's), also against the benchmark (Bailey & López de Prado's
    SR*): the PSR against buy-and-hold's Sharpe, and the DSR against the best of K trials whose true Sharpe is
    buy-and-hold's (the threshold moves up by the benchmark's Sharpe), which is the question a sweep asks."""
    r = np.asarray(best_returns, dtype=float)
    trial_sharpes = np.asarray(trial_sharpes, dtype=float)
    trial_sharpes = trial_sharpes[np.isfinite(trial_sharpes)]
    k = len(trial_sharpes)
    sr = float(per_period_sharpe(r)[0])
    variance = float(np.var(trial_sharpes, ddof=1)) if k > 1 else 0.0
    sr0 = expected_max_sharpe(variance, k)
    g3, g4 = moments(r)
    return {
        "trials": k,
        "sharpe_per_period": sr,
        "trial_sharpe_variance": variance,
        "expected_max_sharpe_per_period": sr0,
        "skewness": g3,
        "kurtosis": g4,
        "observations": len(r),
        "deflated_sharpe": probabilistic_sharpe(sr, sr0, len(r), g3, g4),
    } | ({} if benchmark_sharpe is None else {
        "benchmark_sharpe_per_period": float(benchmark_sharpe),
        "probabilistic_sharpe_vs_benchmark": probabilistic_sharpe(sr, benchmark_sharpe, len(r), g3, g4),
        "deflated_sharpe_vs_benchmark": probabilistic_sharpe(sr, benchmark_sharpe + sr0, len(r), g3, g4),
    })


def moments(r: np.ndarray) -> tuple[float, float]:
    """Sample skewness and Pearson kurtosis (normal = 3), population moments as in the paper."""
    centred = r - r.mean()
    m2 = float(np.mean(centred**2))
    if m2 <= 0:
        return 0.0, 3.0
    return float(np.mean(centred**3) / m2**1.5), float(np.mean(centred**4) / m2**2)


def cscv_pbo(returns: np.ndarray, blocks: int = 16, max_combinations: int | None = None) -> dict:
    """Probability of backtest overfitting of picking the best in-sample column of a T x N returns matrix.

    The rows are cut into `blocks` equal consecutive blocks (the oldest T mod S rows are dropped); every
    choice of half of them is in-sample and the rest out-of-sample. PBO is the share of splits in which
    the in-sample winner ranks at or below the out-of-sample median (logit <= 0).
    `max_combinations` caps the work by taking an evenly spaced subset of the splits (deterministic).
    """
    m = np.asarray(returns, dtype=float)
    t, n = m.shape
    if blocks < 2 or blocks % 2:
        raise ValueError("blocks must be an even number >= 2")
    if n < 2:
        raise ValueError("PBO needs at least two variants")
    size = t // blocks
    if size < 2:
        raise ValueError(f"{t} rows are too few for {blocks} blocks")
    m = m[t - size * blocks :]
    # Per-block sums make each split O(blocks x N) instead of O(T x N).
    parts = m.reshape(blocks, size, n)
    sums, sqsums = parts.sum(axis=1), (parts**2).sum(axis=1)
    combos = list(itertools.combinations(range(blocks), blocks // 2))
    if max_combinations and len(combos) > max_combinations:
        pick = np.linspace(0, len(combos) - 1, max_combinations).round().astype(int)
        combos = [combos[i] for i in np.unique(pick)]
    in_sample = np.zeros((len(combos), blocks))
    for c, chosen in enumerate(combos):
        in_sample[c, list(chosen)] = 1.0
    sr_is = _split_sharpe(in_sample @ sums, in_sample @ sqsums, size * blocks // 2)
    sr_oos = _split_sharpe((1 - in_sample) @ sums, (1 - in_sample) @ sqsums, size * blocks // 2)
    winner = np.argmax(sr_is, axis=1)
    rows = np.arange(len(combos))
    best_is, best_oos = sr_is[rows, winner], sr_oos[rows, winner]
    # Rank of the winner out of sample, 1 = worst ... N = best (ties share the lower rank).
    rank = (sr_oos < best_oos[:, None]).sum(axis=1) + 1
    omega = rank / (n + 1)
    logits = np.log(omega / (1 - omega))
    return {
        "pbo": float(np.mean(logits <= 0)),
        "blocks": blocks,
        "splits": len(combos),
        "variants": n,
        "rows_used": size * blocks,
        "logits": logits,
        "winner_sharpe_in_sample": best_is,
        "winner_sharpe_out_of_sample": best_oos,
    }


def _split_sharpe(total: np.ndarray, sqtotal: np.ndarray, count: int) -> np.ndarray:
    mean = total / count
    var = (sqtotal - total * mean) / (count - 1)
    sd = np.sqrt(np.maximum(var, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sd > 1e-15, mean / np.where(sd > 1e-15, sd, 1.0), 0.0)
