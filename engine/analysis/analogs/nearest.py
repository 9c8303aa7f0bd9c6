"""Analysis stage: historical analogs — the k past states nearest to one close, and what happened next.

The state of a close is a vector of seven readings, each computed from bars up to that close only:
  dist_fast    close / 50-day SMA - 1                  dist_slow   close / 200-day SMA - 1
  fast_slope   50-day SMA now / 5 bars ago - 1         rsi         Wilder RSI(14)
  rsi_change   RSI(14) now - 5 bars ago                realised_vol  20-day std of daily log returns x sqrt(252)
  drawdown     close / highest close of the last 252 bars - 1
Distance: Euclidean over the readings divided by their standard deviation over the history's bars up to
the query's close (no later bar enters the scale). Candidates: history bars whose whole forward window
(`horizon` sessions, and at least the 20 sessions of the walk-forward's direction call) ends strictly
before the query's date. One per episode: taking candidates nearest first, a candidate fewer than
`horizon` sessions from an analog already taken is the same episode and is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rtybt.engine.analysis.indicators import sma, wilder_rsi
from rtybt.engine.analysis.note.final_call import CallFacts, final_call

FEATURES = (
    ("dist_fast", "close vs 50-day SMA", "pct"),
    ("dist_slow", "close vs 200-day SMA", "pct"),
    ("fast_slope", "50-day SMA change over 5 bars", "pct"),
    ("rsi", "RSI(14)", "num"),
    ("rsi_change", "RSI(14) change over 5 bars", "num"),
    ("realised_vol", "20-day realised volatility (annualised)", "pct"),
    ("drawdown", "drawdown from the 52-week high close", "pct"),
)
FEATURE_NAMES = tuple(name for name, _, _ in FEATURES)
DIRECTION_SESSIONS = 20  # the walk-forward's direction call; its window must also end before the date


@dataclass(frozen=True)
class AnalogSettings:
    """The method's every choice, with the note's periods as defaults."""

    k: int = 20
    horizon: int = 60
    fast_ma: int = 50
    slow_ma: int = 200
    slope_bars: int = 5
    rsi_period: int = 14
    rsi_change_bars: int = 5
    vol_bars: int = 20
    high_bars: int = 252
    horizons: tuple[int, ...] = (5, 10, 20, 60)
    bands: tuple[float, float, float, float] = (0.10, 0.25, 0.75, 0.90)
    n_boot: int = 2000
    seed: int = 0
    confidence: float = 0.95

    @property
    def warmup_bars(self) -> int:
        """Bars up to a close before every reading exists."""
        return max(self.slow_ma, self.high_bars, self.fast_ma + self.slope_bars,
                   self.rsi_period + self.rsi_change_bars + 1, self.vol_bars + 1)

    @property
    def window(self) -> int:
        """Sessions after a candidate that must lie before the query's date."""
        return max(self.horizon, DIRECTION_SESSIONS)


@dataclass(frozen=True)
class StateTable:
    """The readings of every bar (NaN during the warm-up) and the arrays the Final Call reads."""

    index: pd.DatetimeIndex
    close: np.ndarray
    values: np.ndarray  # (bars, features)
    sma_fast: np.ndarray
    sma_slow: np.ndarray
    rsi: np.ndarray

    @property
    def valid(self) -> np.ndarray:
        return np.isfinite(self.values).all(axis=1)

    def calls(self, pos: int, s: AnalogSettings) -> list[str]:
        """The note's Final Call biases (short, medium, long) on that bar, by engine.analysis.note.final_call's rules."""
        facts = CallFacts(
            above_fast=bool(self.close[pos] > self.sma_fast[pos]), above_slow=bool(self.close[pos] > self.sma_slow[pos]),
            rsi_rising=bool(self.rsi[pos] - self.rsi[pos - s.rsi_change_bars] > 0),
            golden_cross=bool(self.sma_fast[pos] > self.sma_slow[pos]),
        )
        return [c.bias for c in final_call(facts)]

    def readings(self, pos: int) -> dict[str, float]:
        return {name: float(v) for name, v in zip(FEATURE_NAMES, self.values[pos], strict=True)}


def _lagged_ratio(values: np.ndarray, lag: int) -> np.ndarray:
    out = np.full(len(values), np.nan)
    if lag < len(values):
        out[lag:] = values[lag:] / values[:-lag] - 1.0
    return out


def _rolling(values: np.ndarray, bars: int, reduce) -> np.ndarray:
    out = np.full(len(values), np.nan)
    if len(values) >= bars:
        out[bars - 1 :] = reduce(np.lib.stride_tricks.sliding_window_view(values, bars), axis=1)
    return out


def state_table(close: pd.Series, s: AnalogSettings) -> StateTable:
    """Readings of every bar; each uses that bar's close and earlier ones only."""
    c = close.to_numpy(dtype=float)
    fast, slow = sma(c, s.fast_ma), sma(c, s.slow_ma)
    rsi = wilder_rsi(c, s.rsi_period)
    rsi_change = np.full(len(c), np.nan)
    rsi_change[s.rsi_change_bars :] = rsi[s.rsi_change_bars :] - rsi[: -s.rsi_change_bars]
    log_moves = np.concatenate([[np.nan], np.diff(np.log(c))])
    vol = _rolling(log_moves, s.vol_bars, lambda w, axis: np.std(w, axis=axis, ddof=1)) * np.sqrt(252.0)
    drawdown = c / _rolling(c, s.high_bars, np.max) - 1.0
    values = np.column_stack([c / fast - 1.0, c / slow - 1.0, _lagged_ratio(fast, s.slope_bars), rsi, rsi_change,
                              vol, drawdown])
    return StateTable(close.index, c, values, fast, slow, rsi)


def scale_upto(values: np.ndarray, valid: np.ndarray, last: int) -> np.ndarray:
    """Standard deviation of each reading over the valid bars up to `last` (inclusive)."""
    rows = values[: last + 1][valid[: last + 1]]
    sd = rows.std(axis=0, ddof=1) if len(rows) > 1 else np.full(values.shape[1], np.nan)
    return np.where(sd > 0, sd, 1.0)


def expanding_scale(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """(bars, features): row t is `scale_upto(values, valid, t)`, for every t at once."""
    n = np.cumsum(valid).astype(float)[:, None]
    # Centred on the first valid row so the running sums of squares do not lose digits to large means.
    first = np.flatnonzero(valid)
    x = np.where(valid[:, None], values - (values[first[0]] if len(first) else 0.0), 0.0)
    s1, s2 = np.cumsum(x, axis=0), np.cumsum(x * x, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = (s2 - s1 * s1 / n) / (n - 1.0)
    sd = np.sqrt(np.clip(var, 0.0, None))
    return np.where(sd > 0, sd, 1.0)


def pick_episodes(order: np.ndarray, positions: np.ndarray, k: int, separation: int) -> np.ndarray:
    """Indices into `positions`, nearest first: skip a candidate closer than `separation` bars to one taken."""
    if len(order) == 0:
        return np.zeros(0, dtype=np.int64)
    blocked = np.zeros(int(positions.max()) + separation + 1, dtype=bool)
    taken = []
    for i in order:
        p = positions[i]
        if blocked[p]:
            continue
        taken.append(i)
        if len(taken) == k:
            break
        blocked[max(0, p - separation + 1) : p + separation] = True
    return np.asarray(taken, dtype=np.int64)


def nearest(values: np.ndarray, pool: np.ndarray, query: np.ndarray, scale: np.ndarray, k: int,
            separation: int) -> tuple[np.ndarray, np.ndarray]:
    """(positions, distances) of the k nearest pool bars to `query`, one per episode, nearest first."""
    diff = (values[pool] - query) / scale
    dist = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    order = np.argsort(dist, kind="stable")  # ties go to the earlier bar: the same answer every run
    picked = pick_episodes(order, pool, k, separation)
    return pool[picked], dist[picked]


def candidate_pool(table: StateTable, before: int, s: AnalogSettings) -> np.ndarray:
    """Valid bars whose forward window ends before bar position `before` (an exclusive bound)."""
    last = before - 1 - s.window
    if last < 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(table.valid[: last + 1])


@dataclass(frozen=True)
class Analog:
    """One past state: when, how near, its readings and Final Call, and what followed it."""

    rank: int
    date: object  # datetime.date
    distance: float
    readings: dict[str, float]
    calls: list[str]  # short, medium, long-term bias
    forward: dict[int, float | None]  # sessions -> return from that close
    target_outcome: str  # target | stop | neither | above_target (engine.analysis.target_first)
    sessions_to_target: int | None
    sessions_to_stop: int | None
    path: np.ndarray  # cumulative return, sessions 0..horizon


@dataclass(frozen=True)
class AnalogAnswer:
    """The k analogs of one close and the statistics of their forward windows against every past day."""

    bar_date: object
    readings: dict[str, float]
    calls: list[str]
    scale: dict[str, float]
    history_first: object
    history_last: object  # last history bar on or before the query's date
    candidates: int  # past states whose window fits before the date
    analogs: list[Analog]
    fan: pd.DataFrame  # session, analog_* and all_* quantiles (median and the bands)
    study: object  # engine.analysis.event_study.EventStudy
    target: dict  # analogs' target-first summary, and the same rates over every candidate day
    settings: AnalogSettings


def _paths(close: np.ndarray, positions: np.ndarray, horizon: int) -> np.ndarray:
    sessions = np.arange(horizon + 1)
    return close[positions[:, None] + sessions[None, :]] / close[positions][:, None] - 1.0


def _fan(analog_paths: np.ndarray, all_paths: np.ndarray, bands) -> pd.DataFrame:
    qs = [bands[0], bands[1], 0.5, bands[2], bands[3]]
    names = [f"q{round(q * 100):02d}" for q in qs]
    columns = {"session": np.arange(all_paths.shape[1])}
    for who, paths in (("analog", analog_paths), ("all", all_paths)):
        values = np.quantile(paths, qs, axis=0) if len(paths) else np.full((len(qs), all_paths.shape[1]), np.nan)
        columns |= {f"{who}_{n}": v for n, v in zip(names, values, strict=True)}
    return pd.DataFrame(columns)


def _clean(value) -> float | None:
    return float(value) if value is not None and np.isfinite(value) else None


def find_analogs(history: pd.DataFrame, query_close: pd.Series, s: AnalogSettings | None = None,
                 source: str = "the query series") -> AnalogAnswer:
    """Analogs of the last bar of `query_close` among the bars of `history` (OHLC frame), with what followed.

    Both inputs may run past the query's date: nothing after it is read (the history is cut at the date,
    the query series at its last bar is the caller's cut).
    """
    from rtybt.engine.analysis.event_study import event_study
    from rtybt.engine.analysis.target_first import target_first
    from rtybt.engine.core.errors import DataError, UserError

    s = s or AnalogSettings()
    on = query_close.index[-1]
    query = state_table(query_close, s)
    if not query.valid[-1]:
        raise DataError(f"{source}: only {len(query_close)} bars up to {on.date()}; the state needs {s.warmup_bars + 1} "
                        f"(the {s.high_bars}-bar high and the {s.slow_ma}-day SMA)")
    cut = history.loc[:on]
    if len(cut) == 0:
        raise DataError(f"the history starts after {on.date()}")
    table = state_table(cut["close"], s)
    before = int(cut.index.searchsorted(on, side="left"))
    pool = candidate_pool(table, before, s)
    if len(pool) == 0:
        raise UserError(f"--horizon {s.horizon}: no past state of the history has a {s.window}-session window "
                        f"ending before {on.date()} (history from {cut.index[0].date()}, "
                        f"{s.warmup_bars} bars of warm-up)")
    scale = scale_upto(table.values, table.valid, len(cut) - 1)
    positions, distances = nearest(table.values, pool, query.values[-1], scale, s.k, s.horizon)
    chrono = np.sort(positions)  # event_study and target_first want ascending dates
    dates = cut.index[chrono]
    study = event_study(cut["close"], dates, s.horizons, s.n_boot, s.seed, s.confidence)
    tf = target_first(cut, dates, max_sessions=s.horizon)
    tf_all = target_first(cut, cut.index[pool], max_sessions=s.horizon)
    by_date = tf.outcomes.set_index("date")
    fwd = {h: study.outcomes.set_index("date")[f"fwd_{h}"] for h in s.horizons}
    paths = _paths(table.close, positions, s.horizon)
    analogs = []
    for rank, (pos, dist, path) in enumerate(zip(positions, distances, paths, strict=True), start=1):
        day = cut.index[pos].date()
        row = by_date.loc[day]
        analogs.append(Analog(
            rank=rank, date=day, distance=float(dist), readings=table.readings(pos), calls=table.calls(pos, s),
            forward={h: _clean(fwd[h].loc[day]) for h in s.horizons}, target_outcome=str(row["outcome"]),
            sessions_to_target=None if pd.isna(row["sessions_to_target"]) else int(row["sessions_to_target"]),
            sessions_to_stop=None if pd.isna(row["sessions_to_stop"]) else int(row["sessions_to_stop"]),
            path=path,
        ))
    all_summary = tf_all.summary()
    target = tf.summary() | {
        "all_days": len(pool), "all_days_judged": all_summary["judged"],
        "all_days_target_first_rate": all_summary["target_first_rate"],
        "all_days_median_sessions_to_target": all_summary["median_sessions_to_target"],
    }
    return AnalogAnswer(
        bar_date=on.date(), readings=query.readings(len(query_close) - 1), calls=query.calls(len(query_close) - 1, s),
        scale=dict(zip(FEATURE_NAMES, map(float, scale), strict=True)), history_first=cut.index[0].date(),
        history_last=cut.index[-1].date(), candidates=len(pool), analogs=analogs,
        fan=_fan(paths, _paths(table.close, pool, s.horizon), s.bands), study=study, target=target, settings=s,
    )
