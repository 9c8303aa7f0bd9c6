"""Analysis stage: a strategy against buy-and-hold on their paired daily returns, each difference with an interval
that respects autocorrelation and volatility clustering.

Sharpe, CAGR and the exposure-matched return are smooth functions of means, so their differences get the delta
method with a Newey-West (HAC) covariance of the paired returns: Ledoit & Wolf's (2008) HAC inference for the
Sharpe difference, and the same for the other two. The worst drawdown is not a smooth function of means, so its
difference gets a seeded, vectorised stationary bootstrap (Politis & Romano 1994) of the paired days: one set of
resampled days for both series keeps their correlation. Buy-and-hold's drawdown is taken at the strategy's time in
the market (its daily returns scaled by the exposure), so a drawdown avoided by sitting in cash is not counted as
skill. Each difference is oriented so that above zero is in the strategy's favour.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from statistics import NormalDist

import numpy as np

from rtybt.engine.analysis import standard

BOOT_DRAWS = 500
_CHUNK = 250  # draws per block of work: bounds memory at ~_CHUNK x days floats


@dataclass(frozen=True)
class Difference:
    """One difference against buy-and-hold: the two values, the difference and its evidence."""

    key: str  # sharpe | cagr | max_drawdown | matched_return
    label: str
    kind: str  # ratio | pct (the units of the values and the difference)
    strategy: float | None
    benchmark: float | None
    evidence: standard.Evidence
    method: str

    @property
    def difference(self) -> float | None:
        return self.evidence.estimate

    def to_dict(self) -> dict:
        out = asdict(self)
        out["difference"] = self.difference
        out["tone"] = standard.tone(self.evidence)
        return out


def newey_west(y: np.ndarray, lags: int | None = None) -> np.ndarray:
    """Newey-West (Bartlett kernel) long-run covariance of the columns of `y` ((T, k), demeaned inside)."""
    y = np.asarray(y, dtype=float)
    t = len(y)
    y = y - y.mean(axis=0)
    if lags is None:
        lags = int(math.floor(4.0 * (t / 100.0) ** (2.0 / 9.0)))
    cov = y.T @ y / t
    for lag in range(1, min(lags, t - 1) + 1):
        w = 1.0 - lag / (lags + 1.0)
        g = y[lag:].T @ y[:-lag] / t
        cov += w * (g + g.T)
    return cov


def _normal_interval(est: float, se: float, confidence: float) -> tuple[float | None, float | None, float | None]:
    if not (math.isfinite(est) and math.isfinite(se)) or se <= 0:
        return None, None, None
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    p = math.erfc(abs(est / se) / math.sqrt(2.0))
    return est - z * se, est + z * se, p


def episodes_in(strategy: np.ndarray, block: int) -> int:
    """Independent episodes behind a comparison of daily returns: the blocks of `block` days (the bootstrap's
    mean block, beyond which days are treated as independent) in which the strategy was in the market at all.
    An always-invested strategy has days / block of them; one with two short trades has two or three."""
    active = np.asarray(strategy) != 0
    block = max(block, 1)
    whole = len(active) // block * block
    chunks = active[:whole].reshape(-1, block).any(axis=1) if whole else np.zeros(0, bool)
    return int(chunks.sum()) + int(active[whole:].any())


def block_length(days: int) -> int:
    """The stationary bootstrap's mean block length: ~T^(1/3) days (at least 5), the usual order for daily returns."""
    return max(5, int(round(days ** (1.0 / 3.0))))


def sharpe_difference(rs: np.ndarray, rb: np.ndarray, ppy: int) -> tuple[float, float]:
    """Annualised Sharpe(strategy) - Sharpe(benchmark) and its HAC standard error (Ledoit & Wolf 2008, sec. 3.1)."""
    mu_s, mu_b = rs.mean(), rb.mean()
    g_s, g_b = (rs ** 2).mean(), (rb ** 2).mean()
    v_s, v_b = g_s - mu_s ** 2, g_b - mu_b ** 2
    if v_s <= 0 or v_b <= 0:
        return float("nan"), float("nan")
    est = (mu_s / math.sqrt(v_s) - mu_b / math.sqrt(v_b)) * math.sqrt(ppy)
    grad = np.array([g_s / v_s ** 1.5, -g_b / v_b ** 1.5, -mu_s / (2 * v_s ** 1.5), mu_b / (2 * v_b ** 1.5)])
    psi = newey_west(np.column_stack([rs, rb, rs ** 2, rb ** 2]))
    se = math.sqrt(max(grad @ psi @ grad, 0.0) / len(rs)) * math.sqrt(ppy)
    return est, se


def cagr_difference(rs: np.ndarray, rb: np.ndarray, ppy: int) -> tuple[float, float, float, float]:
    """CAGR(strategy) - CAGR(benchmark) (compounded per period, annualised over `ppy`), its HAC standard error,
    and the two CAGRs."""
    ls, lb = np.log1p(rs), np.log1p(rb)
    cs, cb = math.expm1(ppy * ls.mean()), math.expm1(ppy * lb.mean())
    grad = np.array([ppy * (1 + cs), -ppy * (1 + cb)])
    se = math.sqrt(max(grad @ newey_west(np.column_stack([ls, lb])) @ grad, 0.0) / len(rs))
    return cs - cb, se, cs, cb


def matched_return_difference(rs: np.ndarray, rb: np.ndarray, exposure: float, ppy: int) -> tuple[float, float]:
    """Annualised mean of strategy - exposure x benchmark: what the strategy earned beyond holding the market for
    the same share of the time."""
    x = rs - exposure * rb
    se = math.sqrt(newey_west(x[:, None])[0, 0] / len(x)) * ppy
    return float(x.mean() * ppy), se


def stationary_indices(days: int, draws: int, block: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, days) day indices of a stationary bootstrap: blocks of geometric length (mean `block`) starting at
    uniform days, wrapping around the end. Vectorised: each position takes the start of its block plus its
    offset inside it."""
    new = rng.random((draws, days)) < 1.0 / block
    new[:, 0] = True
    pos = np.broadcast_to(np.arange(days, dtype=np.int32), (draws, days))
    starts = rng.integers(0, days, size=int(new.sum()), dtype=np.int32)
    # Each block's start minus its first position, carried forward over the block: adding the position back
    # gives start + offset inside the block (below 2 x days, so one subtraction wraps it).
    base = (starts - pos[new])[np.cumsum(new.ravel(), dtype=np.int32) - 1].reshape(draws, days)
    idx = base + pos
    idx[idx >= days] -= days
    return idx


def max_drawdown_rows(r: np.ndarray) -> np.ndarray:
    """Worst drawdown (negative fraction) of each row of daily returns."""
    wealth = np.cumprod(1.0 + r, axis=-1)
    peak = np.maximum(np.maximum.accumulate(wealth, axis=-1), 1.0)
    return (wealth / peak - 1.0).min(axis=-1)


def drawdown_difference(rs: np.ndarray, rm: np.ndarray, block: int, draws: int, seed: int,
                        confidence: float) -> tuple[float, float | None, float | None, float | None]:
    """Worst drawdown of the strategy minus that of `rm` (the matched benchmark), with a percentile interval and
    a two-sided p-value from a stationary bootstrap of the paired days (the same draws for both)."""
    est = float(max_drawdown_rows(rs) - max_drawdown_rows(rm))
    rng = np.random.default_rng(seed)
    diffs = []
    for done in range(0, draws, _CHUNK):
        idx = stationary_indices(len(rs), min(_CHUNK, draws - done), block, rng)
        diffs.append(max_drawdown_rows(rs[idx]) - max_drawdown_rows(rm[idx]))
    d = np.concatenate(diffs)
    # Basic (reflected) interval around the estimate: the bootstrap's spread of the difference, centred on it.
    centred = d - d.mean()
    lo, hi = np.quantile(centred, [0.5 - confidence / 2.0, 0.5 + confidence / 2.0])
    n = len(d)
    p = min(1.0, float((np.abs(centred) >= abs(est)).sum() + 1) / (n + 1))
    return est, est + float(lo), est + float(hi), float(p)


def differences(strategy, benchmark, exposure: float | None, ppy: int = 252, seed: int = 0,
                confidence: float | None = None, draws: int = BOOT_DRAWS) -> list[Difference]:
    """Sharpe, CAGR, worst drawdown at matched exposure and exposure-matched return, strategy against buy-and-hold,
    on the days both have a return."""
    conf = standard.CONFIDENCE if confidence is None else confidence
    rs = np.asarray(strategy, dtype=float)
    rb = np.asarray(benchmark, dtype=float)
    ok = np.isfinite(rs) & np.isfinite(rb)
    rs, rb = rs[ok], rb[ok]
    if exposure is None:
        exposure = float(np.mean(rs != 0)) if len(rs) else 0.0
    block = block_length(len(rs)) if len(rs) else 1
    eps = episodes_in(rs, block) if len(rs) else 0
    hac = f"delta method, Newey-West HAC covariance of the paired daily returns ({len(rs)} days)"
    out: list[Difference] = []

    def ev(est, low, high, p):
        return standard.Evidence(None if est is None or not math.isfinite(est) else float(est), low, high, p, eps,
                                 confidence=conf)

    if len(rs) < 3:
        none = ev(None, None, None, None)
        return [Difference(k, lab, kind, None, None, none, hac) for k, lab, kind in (
            ("sharpe", "Sharpe", "ratio"), ("cagr", "CAGR", "pct"), ("max_drawdown", "worst drawdown", "pct"),
            ("matched_return", "return at matched exposure", "pct"))]
    sd = rs.std(ddof=1), rb.std(ddof=1)
    s_sharpe = rs.mean() / sd[0] * math.sqrt(ppy) if sd[0] > 0 else None
    b_sharpe = rb.mean() / sd[1] * math.sqrt(ppy) if sd[1] > 0 else None
    est, se = sharpe_difference(rs, rb, ppy)
    out.append(Difference("sharpe", "Sharpe", "ratio", s_sharpe, b_sharpe, ev(est, *_normal_interval(est, se, conf)),
                          hac + "; Ledoit & Wolf 2008"))
    est, se, cs, cb = cagr_difference(rs, rb, ppy)
    out.append(Difference("cagr", "CAGR", "pct", cs, cb, ev(est, *_normal_interval(est, se, conf)), hac))
    rm = exposure * rb
    if draws > 0:
        est, lo, hi, p = drawdown_difference(rs, rm, block, draws, seed, conf)
    else:  # not asked for (the last decade is judged on the smooth differences alone)
        est, lo, hi, p = float(max_drawdown_rows(rs) - max_drawdown_rows(rm)), None, None, None
    out.append(Difference("max_drawdown", f"worst drawdown (buy-and-hold at {exposure:.0%} exposure)", "pct",
                          float(max_drawdown_rows(rs)), float(max_drawdown_rows(rm)), ev(est, lo, hi, p),
                          f"stationary bootstrap of the paired days (mean block {block} days, {draws} draws, "
                          f"seed {seed}); buy-and-hold's returns scaled by the strategy's time in the market"))
    est, se = matched_return_difference(rs, rb, exposure, ppy)
    out.append(Difference("matched_return", f"return beyond {exposure:.0%} of buy-and-hold", "pct",
                          float(rs.mean() * ppy), float(exposure * rb.mean() * ppy),
                          ev(est, *_normal_interval(est, se, conf)), hac))
    # The four differences are one family (any one of them decides the status), so they are corrected together.
    adjusted = standard.adjust([d.evidence.p_value for d in out])
    return [Difference(d.key, d.label, d.kind, d.strategy, d.benchmark,
                       standard.Evidence(d.evidence.estimate, d.evidence.low, d.evidence.high, d.evidence.p_value,
                                         d.evidence.episodes, d.evidence.confidence, q), d.method)
            for d, q in zip(out, adjusted, strict=True)]
