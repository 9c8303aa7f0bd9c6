"""Analysis stage: each claim kind as event rows on one market — what happened after each event, and from every day.

A row is one event: its window on the calendar (`start`, `end`), the claim's statistic after it (`value`: a
forward return, or 1/0 for "the target came first", "rejected"), and the same statistic averaged over every day
of that market (`baseline`). `group` marks the events a conditional claim compares (confirmations against the
setups). Absolute prices become distances from the close in ATR(14) units, measured on the note's date
(`Scale`), and are laid at the same distance from every event's own close: that is how a 2025 level is asked of
1990s bars or of another market.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rtybt.engine.analysis.event_study import forward_returns
from rtybt.engine.analysis.indicators import sma, wilder_rsi
from rtybt.engine.analysis.note.final_call import CallFacts, final_call
from rtybt.engine.analysis.note.setup import ATR_PERIOD, atr

COLUMNS = ["start", "end", "value", "baseline", "group"]
TERM_INDEX = {"short": 0, "medium": 1, "long": 2}


@dataclass(frozen=True)
class Scale:
    """The note's close and ATR on its date: an absolute price p is (p - close) / atr ATRs from the close."""

    close: float
    atr: float

    def k(self, price: float) -> float:
        return (price - self.close) / self.atr

    def describe(self, price: float) -> str:
        k = self.k(price)
        side = "above" if k >= 0 else "below"
        return f"{price:,.0f} = the close {abs(k):.2f} ATR({ATR_PERIOD}) {side}"


def _rows(index: pd.DatetimeIndex, starts: np.ndarray, ends: np.ndarray, values: np.ndarray, baseline: float,
          group: bool = False) -> pd.DataFrame:
    return pd.DataFrame({"start": index[starts], "end": index[ends], "value": values.astype(float),
                         "baseline": float(baseline), "group": group}, columns=COLUMNS)


def empty_rows() -> pd.DataFrame:
    return pd.DataFrame({"start": pd.DatetimeIndex([]), "end": pd.DatetimeIndex([]), "value": [], "baseline": [],
                         "group": pd.Series([], dtype=bool)}, columns=COLUMNS)


def forward_rows(frame: pd.DataFrame, positions: np.ndarray, horizon: int) -> pd.DataFrame:
    """The close-to-close return over `horizon` sessions after each event; baseline: every day's."""
    fwd = forward_returns(frame["close"].to_numpy(dtype=float), horizon)
    baseline = np.nanmean(fwd) if np.isfinite(fwd).any() else np.nan
    positions = positions[np.isfinite(fwd[positions])]
    return _rows(frame.index, positions, positions + horizon, fwd[positions], baseline)


def _windows(values: np.ndarray, sessions: int) -> np.ndarray:
    """(starts, sessions): row t holds values[t + 1 .. t + sessions], for every start whose window fits."""
    if len(values) <= sessions:
        return np.empty((0, sessions))
    return np.lib.stride_tricks.sliding_window_view(values[1:], sessions)


def _first(hits: np.ndarray) -> np.ndarray:
    """Per row: the 0-based session of the first hit, or a large number when none."""
    return np.where(hits.any(axis=1), hits.argmax(axis=1), np.iinfo(np.int64).max)


def _level(frame: pd.DataFrame, ref, scale: Scale, edge: str) -> tuple[np.ndarray, np.ndarray | None]:
    """(level on each start's close, level on each session) for a moving average or an ATR-relative price."""
    close = frame["close"].to_numpy(dtype=float)
    if ref.ma is not None:
        ma = sma(close, ref.ma)
        return ma, ma
    low, high = ref.edges()
    price = low if edge == "low" else high
    return close + scale.k(price) * atr(frame), None


def target_rows(frame: pd.DataFrame, positions: np.ndarray, claim, scale: Scale) -> pd.DataFrame:
    """1 when the target (a session's high at its level) came before the stop (a close below its level), else 0,
    within `sessions`; a tie counts as stop (daily bars cannot tell the order). Starts already at or above the
    target are left out. Absolute levels: the target band's lower edge, the stop band's lower edge."""
    s = claim.sessions
    close, high = frame["close"].to_numpy(dtype=float), frame["high"].to_numpy(dtype=float)
    t_start, t_path = _level(frame, claim.target, scale, "low")
    s_start, s_path = _level(frame, claim.stop, scale, "low")
    n = len(_windows(close, s))
    if n == 0:
        return empty_rows()
    t_level = _windows(t_path, s) if t_path is not None else t_start[:n, None]
    s_level = _windows(s_path, s) if s_path is not None else s_start[:n, None]
    with np.errstate(invalid="ignore"):
        t_hit = _first(_windows(high, s) >= t_level)
        s_hit = _first(_windows(close, s) < s_level)
        judged = np.isfinite(t_start[:n]) & np.isfinite(s_start[:n]) & (close[:n] < t_start[:n])
    value = (t_hit < s_hit).astype(float)
    baseline = value[judged].mean() if judged.any() else np.nan
    positions = positions[positions < n]
    positions = positions[judged[positions]]
    return _rows(frame.index, positions, positions + s, value[positions], baseline)


def rejection_rows(frame: pd.DataFrame, positions: np.ndarray, claim, scale: Scale) -> pd.DataFrame:
    """Among starts whose price reaches the band (a high at its lower edge) within `sessions`: 1 when a close back
    below the lower edge comes before a close above the upper edge (from the touching session on), 0 for the
    reverse; unresolved windows are left out. The band is ATR-relative (its edges' distances on the note's date)."""
    s = claim.sessions
    close, high = frame["close"].to_numpy(dtype=float), frame["high"].to_numpy(dtype=float)
    a = atr(frame)
    lo = close + scale.k(claim.band[0]) * a
    hi = close + scale.k(claim.band[1]) * a
    n = len(_windows(close, s))
    if n == 0:
        return empty_rows()
    with np.errstate(invalid="ignore"):
        touch = _first(_windows(high, s) >= lo[:n, None])
        after = np.arange(s)[None, :] >= touch[:, None]
        closes = _windows(close, s)
        reject = _first(after & (closes < lo[:n, None]))
        breaks = _first(after & (closes > hi[:n, None]))
        judged = np.isfinite(lo[:n]) & (close[:n] < lo[:n]) & (touch < s) & ((reject < s) | (breaks < s))
    value = (reject < breaks).astype(float)
    baseline = value[judged].mean() if judged.any() else np.nan
    positions = positions[positions < n]
    positions = positions[judged[positions]]
    return _rows(frame.index, positions, positions + s, value[positions], baseline)


def confirmation_rows(frame: pd.DataFrame, positions: np.ndarray, claim, scale: Scale) -> pd.DataFrame:
    """The `horizon`-session return after each setup (group false) and after its confirmation (group true): the
    first close above the band's upper edge (ATR-relative from the setup's close) within `within_bars`."""
    close = frame["close"].to_numpy(dtype=float)
    h, w = claim.horizon, claim.within_bars
    fwd = forward_returns(close, h)
    baseline = np.nanmean(fwd) if np.isfinite(fwd).any() else np.nan
    level = close + scale.k(claim.band[1]) * atr(frame)
    confirmed = []
    for t in positions:
        window = close[t + 1 : t + 1 + w]
        with np.errstate(invalid="ignore"):
            above = np.flatnonzero(window > level[t])
        if len(above):
            confirmed.append(t + 1 + int(above[0]))
    confirmed = np.unique(np.asarray(confirmed, dtype=np.int64))
    setups = positions[np.isfinite(fwd[positions])]
    confirmed = confirmed[np.isfinite(fwd[confirmed])] if len(confirmed) else confirmed
    return pd.concat([_rows(frame.index, setups, setups + h, fwd[setups], baseline),
                      _rows(frame.index, confirmed, confirmed + h, fwd[confirmed], baseline, group=True)],
                     ignore_index=True)


def relative_rows(frame: pd.DataFrame, positions: np.ndarray, peer: pd.DataFrame | None, horizon: int) -> pd.DataFrame:
    """The market's return over `horizon` sessions relative to the peer's (ratio of closes), on the dates both trade."""
    if peer is None:
        return empty_rows()
    both = frame.index.intersection(peer.index)
    ratio = frame["close"].reindex(both).to_numpy(dtype=float) / peer["close"].reindex(both).to_numpy(dtype=float)
    fwd = forward_returns(ratio, horizon)
    baseline = np.nanmean(fwd) if np.isfinite(fwd).any() else np.nan
    at = both.get_indexer(frame.index[positions])
    at = at[at >= 0]
    at = at[np.isfinite(fwd[at])]
    return _rows(both, at, at + horizon, fwd[at], baseline)


def call_positions(frame: pd.DataFrame, term: str, bias: str) -> np.ndarray:
    """Bars on whose close the note's Final Call rules (engine.analysis.note.final_call) give `bias` for `term`."""
    close = frame["close"].to_numpy(dtype=float)
    fast, slow = sma(close, 50), sma(close, 200)
    rsi = wilder_rsi(close, 14)
    then = np.full(len(rsi), np.nan)
    then[5:] = rsi[:-5]
    valid = np.flatnonzero(np.isfinite(slow) & np.isfinite(then))
    i = TERM_INDEX[term]
    # Four booleans decide every call: evaluate the rules once per combination, then look each bar up.
    table = {}
    for a in (False, True):
        for b in (False, True):
            for r in (False, True):
                for g in (False, True):
                    table[(a, b, r, g)] = final_call(CallFacts(a, b, r, g))[i].bias
    keys = zip(close[valid] > fast[valid], close[valid] > slow[valid], rsi[valid] > then[valid],
               fast[valid] > slow[valid], strict=True)
    hit = np.array([table[(bool(a), bool(b), bool(r), bool(g))] == bias for a, b, r, g in keys], dtype=bool)
    return valid[hit] if len(valid) else valid


def claim_rows(frame: pd.DataFrame, positions: np.ndarray, claim, scale: Scale,
               peer: pd.DataFrame | None = None) -> pd.DataFrame:
    """The claim's event rows on one market, from the events at `positions` (sorted bar positions)."""
    if claim.kind in ("forward_return", "bias"):
        return forward_rows(frame, positions, claim.horizon)
    if claim.kind == "target_before_stop":
        return target_rows(frame, positions, claim, scale)
    if claim.kind == "rejection":
        return rejection_rows(frame, positions, claim, scale)
    if claim.kind == "confirmation":
        return confirmation_rows(frame, positions, claim, scale)
    return relative_rows(frame, positions, peer, claim.horizon)
