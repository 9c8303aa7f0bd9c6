"""Analysis stage: after each setup, did price reach the target (200-day MA test) before the stop (close below the 50-day MA)?

Rules, per session after the setup (session 1 is the bar after the setup's close):
- a level is a simple moving average of closes (`kind: ma`, re-read every session) or a fixed
  percentage from the setup's close (`kind: pct`);
- the target is reached when the chosen price (`high` by default: touching the MA is a "test")
  is at or above the target level; the stop is hit when the chosen price (`close` by default) is
  strictly below the stop level;
- if both happen on the same session it counts as stop first (daily bars cannot tell the order:
  the conservative reading);
- a setup whose window ends (data end or `max_sessions`) before either is "neither";
- a setup whose own close is already at or above the target level is "above_target" and left out
  of the rates: the note's setup is a rally *toward* the 200-day MA from below it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rtybt.engine.analysis.event_study import setup_positions
from rtybt.engine.analysis.indicators import sma


@dataclass(frozen=True)
class LevelRule:
    kind: str  # "ma" | "pct"
    period: int | None = None
    pct: float | None = None
    price: str = "close"  # "close" | "high" | "low"

    def describe(self, role: str) -> str:
        verb = "at or above" if role == "target" else "below"
        level = f"the {self.period}-day MA" if self.kind == "ma" else (
            f"the setup close {'+' if role == 'target' else '-'}{self.pct:.1%}")
        return f"{role}: the session's {self.price} {verb} {level}"

    def ma(self, close: pd.Series) -> np.ndarray:
        return sma(close.to_numpy(dtype=float), self.period)

    def fixed_level(self, setup_close: float, role: str) -> float:
        return setup_close * (1.0 + self.pct) if role == "target" else setup_close * (1.0 - self.pct)


DEFAULT_TARGET = LevelRule("ma", period=200, price="high")
DEFAULT_STOP = LevelRule("ma", period=50, price="close")


@dataclass(frozen=True)
class TargetFirst:
    outcomes: pd.DataFrame  # date, outcome, sessions_to_target, sessions_to_stop
    target: LevelRule
    stop: LevelRule
    max_sessions: int

    def summary(self) -> dict:
        o = self.outcomes
        n = len(o)
        counts = o["outcome"].value_counts() if n else pd.Series(dtype=int)
        judged = n - int(counts.get("above_target", 0))

        def share(kind):
            return float(counts.get(kind, 0) / judged) if judged else None

        def median(col, kind):
            vals = o.loc[o["outcome"] == kind, col]
            return float(vals.median()) if len(vals) else None

        return {
            "setups": n,
            "above_target_at_setup": int(counts.get("above_target", 0)),
            "judged": judged,
            "target_first": int(counts.get("target", 0)),
            "stop_first": int(counts.get("stop", 0)),
            "neither": int(counts.get("neither", 0)),
            "target_first_rate": share("target"),
            "stop_first_rate": share("stop"),
            "neither_rate": share("neither"),
            "median_sessions_to_target": median("sessions_to_target", "target"),
            "median_sessions_to_stop": median("sessions_to_stop", "stop"),
            "target_rule": self.target.describe("target"),
            "stop_rule": self.stop.describe("stop"),
            "max_sessions": self.max_sessions,
            "tie_rule": "target and stop on the same session count as stop first",
        }


def _first(hits: np.ndarray) -> int | None:
    idx = np.flatnonzero(hits)
    return int(idx[0]) + 1 if len(idx) else None


def _next_hit(hits: np.ndarray) -> np.ndarray:
    """nxt[j] = the first bar at or after j where `hits` holds (len(hits) if none), one slot longer for a window
    that starts after the last bar. A moving-average level is the same whatever the setup, so this one pass
    answers every setup's window: the analogs ask it of every day of the history."""
    n = len(hits)
    at = np.append(np.where(hits, np.arange(n), n), n)
    return np.minimum.accumulate(at[::-1])[::-1]


def outcome_of(close: float, level_at_setup: float, t_hit: int | None, s_hit: int | None) -> str:
    """A setup's outcome from its close, the target level at the setup and the sessions to each first hit: a tie
    (both on the same session) counts as the stop."""
    if close >= level_at_setup:
        return "above_target"
    if s_hit is not None and (t_hit is None or s_hit <= t_hit):
        return "stop"
    return "target" if t_hit is not None else "neither"


def target_first(frame: pd.DataFrame, setup_dates, target: LevelRule = DEFAULT_TARGET,
                 stop: LevelRule = DEFAULT_STOP, max_sessions: int = 250) -> TargetFirst:
    """One row per setup: which of target and stop came first, and after how many sessions."""
    close = frame["close"]
    positions = setup_positions(frame.index, setup_dates)
    closes = close.to_numpy(dtype=float)
    ma_target = target.ma(close) if target.kind == "ma" else None
    ma_stop = stop.ma(close) if stop.kind == "ma" else None
    target_price = frame[target.price].to_numpy(dtype=float)
    stop_price = frame[stop.price].to_numpy(dtype=float)
    # NaN levels (MA still warming up) compare False: neither reached on those sessions.
    t_next = _next_hit(target_price >= ma_target) if ma_target is not None else None
    s_next = _next_hit(stop_price < ma_stop) if ma_stop is not None else None
    days = frame.index[positions].date  # one conversion, not a Timestamp per setup
    rows = []
    for k, pos in enumerate(positions.tolist()):
        end = min(pos + 1 + max_sessions, len(frame))
        # A session's number in the window is its distance from the setup; a percentage level is the setup's
        # own, so its window is searched on its own.
        if t_next is not None:
            t_hit = int(t_next[pos + 1]) - pos if t_next[pos + 1] < end else None
        else:
            t_hit = _first(target_price[pos + 1:end] >= target.fixed_level(closes[pos], "target"))
        if s_next is not None:
            s_hit = int(s_next[pos + 1]) - pos if s_next[pos + 1] < end else None
        else:
            s_hit = _first(stop_price[pos + 1:end] < stop.fixed_level(closes[pos], "stop"))
        level_at_setup = ma_target[pos] if ma_target is not None else target.fixed_level(closes[pos], "target")
        rows.append({"date": days[k], "outcome": outcome_of(closes[pos], level_at_setup, t_hit, s_hit),
                     "sessions_to_target": t_hit, "sessions_to_stop": s_hit})
    outcomes = pd.DataFrame(rows, columns=["date", "outcome", "sessions_to_target", "sessions_to_stop"])
    return TargetFirst(outcomes, target, stop, max_sessions)


BASELINE_STEP = 5  # every fifth session stands for "every day" (the rate, at a fifth of the cost)


def target_first_evidence(frame: pd.DataFrame, tf: TargetFirst, episode_sessions: int, n_boot: int, seed,
                          confidence: float) -> dict:
    """The target-first share with its independent episodes (judged setup days fewer than `episode_sessions`
    apart form one, as in the event study), a cluster-bootstrap interval (None below the standard's minimum) and
    the every-day baseline beside it: the same question asked on every fifth session of the period."""
    from rtybt.engine.analysis import standard
    from rtybt.engine.analysis.bootstrap import bootstrap_mean, overlap_clusters

    o = tf.outcomes[tf.outcomes["outcome"] != "above_target"]
    positions = np.asarray(setup_positions(frame.index, list(o["date"])) if len(o) else [], dtype=np.int64)
    order = np.argsort(positions, kind="stable")
    clusters = overlap_clusters(positions[order], episode_sessions)
    episodes = int(clusters.max()) + 1 if len(clusters) else 0
    hits = (o["outcome"].to_numpy() == "target").astype(float)[order]
    ci = (None, None)
    if episodes >= standard.MIN_EPISODES:
        boot = bootstrap_mean(hits[:, None], clusters, n_boot, [seed, 250], confidence)
        ci = (float(boot.ci_low[0]), float(boot.ci_high[0]))
    every = target_first(frame, frame.index[::BASELINE_STEP], tf.target, tf.stop, tf.max_sessions).summary()
    return {"judged": len(o), "episodes": episodes, "target_first": int(hits.sum()),
            "rate": float(hits.mean()) if len(o) else None, "ci": ci, "confidence": confidence,
            "baseline_rate": every["target_first_rate"], "baseline_judged": every["judged"],
            "baseline_rule": f"every {BASELINE_STEP}th session of the period below the target"}
