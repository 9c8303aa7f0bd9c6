"""Analysis stage: an honest score for the analog method — a walk-forward of its calls against the past base rate.

At every month-end close (the last bar of each month, from `start` on) the method is run as a user would
have run it then: the scale uses bars up to that close, the analogs and the base rate (climatology) come
from past states whose whole window ended before it. Two calls are scored:
  direction  P(the close 20 sessions later is higher): the share of the k analogs that were higher;
             climatology: the share of every past candidate day that was.
  target     P(the 200-day MA is reached before a close below the 50-day MA, within `horizon` sessions),
             asked only at month-ends closing below the 200-day MA (engine.analysis.target_first's rules):
             the share among the analogs that were below theirs (climatology when none was).
Scores: hit rate (a call is "yes" when its probability is above one half), Brier score (mean squared error
of the probability), and Brier skill = 1 - Brier(analogs) / Brier(climatology); each with a cluster
bootstrap interval (engine.analysis.bootstrap: month-ends whose outcome windows overlap form one cluster).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import pandas as pd

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.analogs.nearest import (
    DIRECTION_SESSIONS,
    AnalogSettings,
    candidate_pool,
    expanding_scale,
    nearest,
    pick_episodes,
    state_table,
)
from rtybt.engine.analysis.bootstrap import bootstrap_mean, overlap_clusters
from rtybt.engine.analysis.event_study import forward_returns

SCORE_START = date(2000, 1, 1)
QUESTIONS = {
    "direction": f"higher {DIRECTION_SESSIONS} sessions later",
    "target": "200-day MA reached before a close below the 50-day MA",
}


def month_end_positions(index: pd.DatetimeIndex, start: date) -> np.ndarray:
    """Bar positions of the last bar of each month, on or after `start` (the data's last bar excluded)."""
    months = index.year * 12 + index.month
    last_of_month = np.flatnonzero(np.diff(months) != 0)
    return last_of_month[index[last_of_month] >= pd.Timestamp(start)]


def _outcomes(history: pd.DataFrame, valid: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Per bar: 1/0 higher after 20 sessions (NaN if unknown); 1/0 target first (NaN if unknown or not judged)."""
    from rtybt.engine.analysis.target_first import target_first

    close = history["close"].to_numpy(dtype=float)
    fwd = forward_returns(close, DIRECTION_SESSIONS)
    up = np.where(np.isnan(fwd), np.nan, (fwd > 0).astype(float))
    target = np.full(len(close), np.nan)
    positions = np.flatnonzero(valid)
    positions = positions[positions + horizon < len(close)]  # a window cut by the data's end is no outcome
    if len(positions):
        tf = target_first(history, history.index[positions], max_sessions=horizon).outcomes
        judged = (tf["outcome"] != "above_target").to_numpy()
        target[positions[judged]] = (tf["outcome"].to_numpy()[judged] == "target").astype(float)
    return up, target


def _running_rate(outcome: np.ndarray) -> np.ndarray:
    """rate[t] = mean of the known outcomes at bars 0..t (NaN before the first)."""
    known = ~np.isnan(outcome)
    hits = np.cumsum(np.where(known, outcome, 0.0))
    counts = np.cumsum(known)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, hits / counts, np.nan)


def walk_forward(history: pd.DataFrame, s: AnalogSettings | None = None, start: date = SCORE_START,
                 select: str = "nearest", seed: int = 0) -> pd.DataFrame:
    """One row per month-end: the method's two probabilities, climatology's, and what happened.

    `select="random"` draws k past episodes at random instead of the nearest (seeded): the control that
    should score at the base rate.
    """
    s = s or AnalogSettings()
    table = state_table(history["close"], s)
    valid = table.valid
    up, target = _outcomes(history, valid, s.horizon)
    scale = expanding_scale(table.values, valid)
    clim_up, clim_target = _running_rate(np.where(valid, up, np.nan)), _running_rate(np.where(valid, target, np.nan))
    rng = np.random.default_rng(seed)
    index, n = history.index, len(history)
    rows = []
    for m in month_end_positions(index, start):
        pool = candidate_pool(table, m, s)
        if not valid[m] or len(pool) == 0:
            continue
        if select == "random":
            analogs = pool[pick_episodes(rng.permutation(len(pool)), pool, s.k, s.horizon)]
        else:
            analogs, _ = nearest(table.values, pool, table.values[m], scale[m], s.k, s.horizon)
        last_past = pool[-1]  # climatology counts the same candidate days the analogs are drawn from
        judged = analogs[~np.isnan(target[analogs])]
        p_target = float(target[judged].mean()) if len(judged) else float(clim_target[last_past])
        rows.append({
            "date": index[m].date(), "position": int(m), "analogs": len(analogs),
            "p_up": float(np.nanmean(up[analogs])), "clim_up": float(clim_up[last_past]), "up": up[m],
            "up_known_on": index[m + DIRECTION_SESSIONS].date() if m + DIRECTION_SESSIONS < n else None,
            "p_target": p_target, "clim_target": float(clim_target[last_past]), "target": target[m],
            "target_known_on": index[m + s.horizon].date() if m + s.horizon < n else None,
            "analogs_judged": len(judged),
        })
    columns = ["date", "position", "analogs", "p_up", "clim_up", "up", "up_known_on", "p_target", "clim_target",
               "target", "target_known_on", "analogs_judged"]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class CallScore:
    """One call scored over the month-ends whose outcome was known."""

    question: str
    month_ends: int
    clusters: int
    base_rate: float | None  # how often the answer was "yes" over these month-ends
    hit_rate: float | None
    hit_rate_ci: tuple[float | None, float | None]
    climatology_hit_rate: float | None
    brier: float | None
    brier_ci: tuple[float | None, float | None]
    climatology_brier: float | None
    skill: float | None  # Brier skill vs climatology: > 0 better than the past base rate
    skill_ci: tuple[float | None, float | None]

    @property
    def verdict(self) -> str:
        low, high = self.skill_ci
        if low is None or high is None:
            return "too few"
        return "skill" if low > 0 else "worse" if high < 0 else "none"


@dataclass(frozen=True)
class MethodScore:
    symbol: str
    since: date | None
    until: date | None
    direction: CallScore
    target: CallScore
    sentence: str
    confidence: float
    method: str

    def to_dict(self) -> dict:
        return asdict(self)


def _num(x) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def score_call(question: str, p: np.ndarray, clim: np.ndarray, outcome: np.ndarray, positions: np.ndarray,
               sessions: int, s: AnalogSettings) -> CallScore:
    n = len(outcome)
    hit, clim_hit = ((p > 0.5) == (outcome > 0.5)).astype(float), ((clim > 0.5) == (outcome > 0.5)).astype(float)
    brier, clim_brier = (p - outcome) ** 2, (clim - outcome) ** 2
    clusters = overlap_clusters(positions, sessions)
    boot = bootstrap_mean(np.column_stack([hit, clim_hit, brier, clim_brier]), clusters, s.n_boot,
                          [s.seed, sessions], s.confidence)
    alpha = (1.0 - s.confidence) / 2.0
    if n and boot.clusters >= standard.MIN_EPISODES:
        with np.errstate(invalid="ignore", divide="ignore"):
            skill_draws = 1.0 - boot.draws[:, 2] / boot.draws[:, 3]
        # Every draw undefined (climatology never wrong on the drawn month-ends): no interval, and no warning.
        skill_ci = (tuple(_num(v) for v in np.nanquantile(skill_draws, [alpha, 1.0 - alpha]))
                    if np.isfinite(skill_draws).any() else (None, None))
        hit_ci, brier_ci = (_num(boot.ci_low[0]), _num(boot.ci_high[0])), (_num(boot.ci_low[2]), _num(boot.ci_high[2]))
    else:
        skill_ci = hit_ci = brier_ci = (None, None)

    def mean(v):
        return _num(v.mean()) if n else None

    skill = 1.0 - brier.mean() / clim_brier.mean() if n and clim_brier.mean() > 0 else None
    return CallScore(question, n, boot.clusters, mean(outcome), mean(hit), hit_ci, mean(clim_hit), mean(brier),
                     brier_ci, mean(clim_brier), _num(skill), skill_ci)


def _sentence(symbol: str, rows: pd.DataFrame, direction: CallScore, target: CallScore, conf: float,
              before: date | None) -> str:
    def part(c: CallScore, label: str) -> str:
        if c.skill is None:
            return f"{label}: not enough month-ends"
        low, high = c.skill_ci
        band = "" if low is None else f" ({conf:.0%} CI {low:+.2f} to {high:+.2f})"
        return f"{label} {c.skill:+.2f}{band}"

    if not len(rows):
        by = f" before {before}" if before else ""
        return (f"Analogs cannot be scored on {symbol} yet: no month-end from {SCORE_START:%Y-%m} on had its "
                f"outcome known{by}.")
    names = (("the 20-session direction", direction), ("the 200-day MA before the stop", target))
    said = {v: " and ".join(name for name, c in names if c.verdict == v) for v in ("skill", "worse", "none")}
    if said["skill"]:
        head = f"Analogs have had skill on {symbol} for {said['skill']}"
        if said["worse"]:
            head += f" but did worse than the past base rate on {said['worse']}"
    elif said["worse"] and not said["none"] and direction.verdict == target.verdict:
        head = f"Analogs have done worse than the past base rate on {symbol}"
    elif said["worse"] or said["none"]:
        head = f"Analogs have had no demonstrable skill on {symbol}" + (
            f" (worse than the past base rate on {said['worse']})" if said["worse"] else "")
    else:
        head = f"Too few month-ends to score analogs on {symbol}"
    span = f"{rows['date'].iloc[0]:%Y-%m} to {rows['date'].iloc[-1]:%Y-%m}"
    return (f"{head}: walk-forward at month-ends {span}, Brier skill vs the past base rate "
            f"{part(direction, 'on the 20-session direction')}, "
            f"{part(target, 'on the 200-day MA before the stop')}.")


def score(rows: pd.DataFrame, symbol: str, s: AnalogSettings | None = None, before: date | None = None) -> MethodScore:
    """Score the walk-forward rows whose outcomes were known before `before` (all when None)."""
    s = s or AnalogSettings()

    def known(col: str, outcome: str) -> pd.DataFrame:
        ok = rows[outcome].notna() & rows[col].notna()
        if before is not None:
            ok &= rows[col].map(lambda d: d is not None and d < before).astype(bool)
        return rows[ok]

    d, t = known("up_known_on", "up"), known("target_known_on", "target")

    def arr(frame, col):
        return frame[col].to_numpy(dtype=float)

    direction = score_call(QUESTIONS["direction"], arr(d, "p_up"), arr(d, "clim_up"), arr(d, "up"),
                           d["position"].to_numpy(), DIRECTION_SESSIONS, s)
    target = score_call(QUESTIONS["target"], arr(t, "p_target"), arr(t, "clim_target"), arr(t, "target"),
                        t["position"].to_numpy(), s.horizon, s)
    scored = rows[rows.index.isin(d.index.union(t.index))]
    return MethodScore(
        symbol=symbol, since=scored["date"].iloc[0] if len(scored) else None,
        until=scored["date"].iloc[-1] if len(scored) else None, direction=direction, target=target,
        sentence=_sentence(symbol, scored, direction, target, s.confidence, before), confidence=s.confidence,
        method=(f"walk-forward at each month-end from {SCORE_START.year}, k={s.k}, horizon {s.horizon}: analogs and "
                f"base rate from past states only; cluster bootstrap over month-ends ({s.n_boot} draws, seed "
                f"{s.seed}); a call is 'yes' when its probability is above one half"),
    )
