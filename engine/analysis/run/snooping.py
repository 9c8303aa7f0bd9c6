"""Analysis stage: the best of many variants against buy-and-hold, after data snooping.

Hansen's (2005) test for superior predictive ability (SPA) asks whether any of the K variants beats buy-and-hold
on mean daily return once the K tries are accounted for: the statistic is the largest studentized mean excess
return, and its null distribution comes from a seeded stationary bootstrap (Politis & Romano 1994) of the days,
re-centred by Hansen's consistent rule so that clearly bad variants do not dilute the test. The draws are
vectorised: each bootstrap sample's K sums are differences of one cumulative sum, block by block.

The sweep's summary sentence reconciles the SPA, the deflated Sharpe against buy-and-hold's Sharpe and PBO in
words, with the standard's words (`standard.snooping_word`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.run.paired import block_length

SPA_DRAWS = 500
_CHUNK = 50


@dataclass(frozen=True)
class RealityCheck:
    """Hansen's SPA of K variants against the benchmark on mean daily return."""

    variants: int
    days: int
    best: int  # column of the variant with the largest studentized excess
    statistic: float
    p_value: float
    block: int
    draws: int
    seed: int
    method: str

    def to_dict(self) -> dict:
        return asdict(self)


def stationary_means(d: np.ndarray, draws: int, block: int, rng: np.random.Generator,
                     cum: np.ndarray | None = None) -> np.ndarray:
    """(draws, K) column means of `d` ((days, K)) over stationary-bootstrap samples, from block sums: each sample is
    blocks of geometric length (mean `block`) from uniform starts, wrapping around, so its sum is a sum of
    differences of one cumulative sum (about days / block lookups per draw instead of days x K)."""
    days, k = d.shape
    new = rng.random((draws, days)) < 1.0 / block
    new[:, 0] = True
    flat = np.flatnonzero(new.ravel())
    row, col = flat // days, flat % days
    last = np.r_[row[1:] != row[:-1], True]
    end = np.where(last, days, np.r_[col[1:], 0])
    lengths = end - col
    starts = rng.integers(0, days, size=len(flat))
    cum = wrapped_cumsum(d) if cum is None else cum
    sums = cum[starts + lengths] - cum[starts]
    first = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
    return np.add.reduceat(sums, first, axis=0) / days


def wrapped_cumsum(d: np.ndarray) -> np.ndarray:
    """Cumulative sums of `d` twice over, from a leading zero: any wrapped block's sum is one difference."""
    return np.vstack([np.zeros((1, d.shape[1])), np.cumsum(np.vstack([d, d]), axis=0)])


def spa_test(returns: np.ndarray, benchmark: np.ndarray, draws: int = SPA_DRAWS, seed: int = 0,
             block: int | None = None) -> RealityCheck:
    """SPA p-value of "no variant beats the benchmark on mean daily return" (consistent re-centring, Hansen 2005)."""
    r = np.asarray(returns, dtype=float)
    if r.ndim == 1:
        r = r[:, None]
    d = r - np.asarray(benchmark, dtype=float)[:, None]
    d = np.where(np.isfinite(d), d, 0.0)
    n, k = d.shape
    block = block or block_length(n)
    mean = d.mean(axis=0)
    rng = np.random.default_rng(seed)
    boot = np.empty((draws, k))
    cum = wrapped_cumsum(d)
    for done in range(0, draws, _CHUNK):
        m = min(_CHUNK, draws - done)
        boot[done:done + m] = stationary_means(d, m, block, rng, cum)
    # The bootstrap's standard deviation of sqrt(n) x mean: a long-run deviation that respects the blocks.
    omega = np.sqrt(n) * boot.std(axis=0)
    omega = np.where(omega > 0, omega, np.inf)
    t_stat = float(max(0.0, np.max(np.sqrt(n) * mean / omega)))
    # Consistent re-centring: a variant far below the benchmark is held at its mean, one near it at zero.
    keep = np.sqrt(n) * mean / omega >= -math.sqrt(2.0 * math.log(math.log(max(n, 16))))
    centre = np.where(keep, mean, 0.0)
    stats = np.maximum(0.0, np.max(np.sqrt(n) * (boot - centre) / omega, axis=1))
    p = float((np.sum(stats >= t_stat) + 1) / (draws + 1)) if t_stat > 0 else 1.0
    best = int(np.argmax(np.sqrt(n) * mean / omega))
    method = (f"Hansen's SPA test on mean daily return against buy-and-hold, {k} variants, stationary bootstrap "
              f"(mean block {block} days, {draws} draws, seed {seed})")
    return RealityCheck(k, n, best, t_stat, p, block, draws, seed, method)


def sweep_sentence(rc: RealityCheck | None, best_label: str, dsr: dict | None, pbo: dict | None,
                   benchmark_symbol: str | None = None) -> tuple[str, str]:
    """The sweep's verdict word and one sentence that reconciles the reality check, the deflated Sharpe (against
    buy-and-hold's Sharpe and against zero) and PBO."""
    bh = f"buy-and-hold {benchmark_symbol}" if benchmark_symbol else "buy-and-hold"
    if rc is None:
        word = standard.NOT_ENOUGH
        parts = [f"No buy-and-hold benchmark was run, so the best of the variants ({best_label}) is not judged "
                 "against one"]
    else:
        word = standard.snooping_word(rc.p_value, rc.variants)
        if word == standard.MORE_THAN_LUCK:
            parts = [f"The best of {rc.variants} variants beats {bh} on mean daily return even after accounting for "
                     f"the {rc.variants} tries (SPA p = {rc.p_value:.3f}): {word}"]
        else:
            parts = [f"The best of {rc.variants} variants is not distinguishable from {bh} after accounting for the "
                     f"{rc.variants} tries (SPA p = {rc.p_value:.3f}): {word}"]
    if dsr and dsr.get("deflated_sharpe_vs_benchmark") is not None:
        vs_b, vs_0 = dsr["deflated_sharpe_vs_benchmark"], dsr.get("deflated_sharpe")
        parts.append(f"the best by Sharpe ({best_label}) has a deflated Sharpe of {vs_b:.3f} against {bh}'s Sharpe "
                     f"(the probability that its true Sharpe beats buy-and-hold's by more than the luck of "
                     f"{dsr.get('trials')} tries; {vs_0:.3f} against a Sharpe of zero, which is not the question)")
    elif dsr and dsr.get("deflated_sharpe") is not None:
        parts.append(f"the best by Sharpe ({best_label}) has a deflated Sharpe of {dsr['deflated_sharpe']:.3f} "
                     "against a Sharpe of zero only (no benchmark)")
    if pbo and pbo.get("pbo") is not None:
        value = pbo["pbo"]
        how = "usually ranks" if value >= 0.5 else "ranks"
        parts.append(f"PBO {value:.2f} says the in-sample winner {how} in the bottom half out of sample "
                     f"({value:.0%} of splits)")
    return word, "; ".join(parts) + "."
