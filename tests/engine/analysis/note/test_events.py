"""Each claim kind's event rows and the setup's conditions, on small hand-made bar tables with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.indicators import sma, wilder_rsi
from rtybt.engine.analysis.note.claims import word
from rtybt.engine.analysis.note.events import (
    Scale,
    call_positions,
    confirmation_rows,
    forward_rows,
    rejection_rows,
    relative_rows,
    target_rows,
)
from rtybt.engine.analysis.note.evidence import test_rows as evidence_of
from rtybt.engine.analysis.note.final_call import CallFacts, final_call
from rtybt.engine.analysis.note.model import Claim, Condition
from rtybt.engine.analysis.note.setup import atr, condition_mask, setup_mask


def frame_of(closes, spread: float = 1.0) -> pd.DataFrame:
    """open = close, high/low = close +/- spread: with steps of at most `spread` every true range is 2 x spread."""
    c = np.asarray(closes, dtype=float)
    return pd.DataFrame({"open": c, "high": c + spread, "low": c - spread, "close": c, "volume": 1.0},
                        index=pd.bdate_range("2020-01-01", periods=len(c)))


FLAT = [100.0] * 20  # warms the 14-session ATR up to exactly 2.0


def test_atr_of_the_table_is_its_constant_true_range():
    a = atr(frame_of(FLAT + [100.5, 101.0]))
    assert np.isnan(a[12]) and a[13] == pytest.approx(2.0) and a[-1] == pytest.approx(2.0)


def test_forward_rows_are_the_close_to_close_returns_against_every_day():
    f = frame_of([100, 110, 121, 110, 99])
    rows = forward_rows(f, np.array([0, 2]), 2)
    assert rows["value"].tolist() == pytest.approx([0.21, 99 / 121 - 1])
    everyday = np.mean([0.21, 0.0, 99 / 121 - 1])
    assert rows["baseline"].tolist() == pytest.approx([everyday, everyday])
    assert list(rows["end"]) == [f.index[2], f.index[4]]


def test_target_before_stop_with_atr_relative_levels():
    # On the note's date the close was 100 and ATR 2: target 104 = +2 ATR, stop 96 = -2 ATR from each event's close.
    up = FLAT + [101, 102, 103, 104, 104, 104]      # event at 20 (close 100): the high 104 comes at close 103
    down = [100, 99, 98, 97, 96, 95, 95]             # event at 26 (close 104... see below)
    f = frame_of(up + down)
    claim = Claim(id="t", kind="target_before_stop", quote="q", target={"price": 104}, stop={"price": 96}, sessions=5)
    rows = target_rows(f, np.array([19, 26]), claim, Scale(100.0, 2.0))
    # Event 19 (close 100): target 104 reached by a high on session 3 (close 103 + 1), stop 96 never: 1.
    # Event 26 (close 100 after the rally fell back): closes 99..95 reach 95 < 96 on session 5, target never: 0.
    assert rows["value"].tolist() == [1.0, 0.0]


def test_a_tie_counts_as_the_stop_and_a_start_above_the_target_is_left_out():
    f = frame_of(FLAT + [100, 104, 90, 90, 90, 90])
    claim = Claim(id="t", kind="target_before_stop", quote="q", target={"price": 103}, stop={"price": 97}, sessions=3)
    # Session 1 after 20 closes at 104 (high 105 >= 103): the target; session 2 closes 90 < 97: the stop; target first.
    assert target_rows(f, np.array([20]), claim, Scale(100.0, 2.0))["value"].tolist() == [1.0]
    g = frame_of(FLAT + [100, 90, 90, 90])
    g.iloc[21, g.columns.get_loc("high")] = 110  # the same session reaches the target and closes below the stop
    assert target_rows(g, np.array([20]), claim, Scale(100.0, 2.0))["value"].tolist() == [0.0]
    ma = Claim(id="m", kind="target_before_stop", quote="q", target={"ma": 3}, stop={"ma": 2}, sessions=2)
    assert target_rows(frame_of([100, 100, 100, 105, 105, 105]), np.array([4]), ma, Scale(100, 2)).empty


def test_rejection_is_a_close_back_below_the_band_before_a_close_above_it():
    claim = Claim(id="r", kind="rejection", quote="q", band=[102, 104], sessions=4)
    rejected = frame_of(FLAT + [100, 101.5, 101, 100, 100])   # high 102.5 touches 102, closes fall back below
    broke = frame_of(FLAT + [100, 100.5, 103, 105, 105])      # touches inside the band, then closes above 104
    never = frame_of(FLAT + [100, 100, 100, 100, 100])        # never reaches the band: left out
    scale = Scale(100.0, 2.0)
    assert rejection_rows(rejected, np.array([20]), claim, scale)["value"].tolist() == [1.0]
    assert rejection_rows(broke, np.array([20]), claim, scale)["value"].tolist() == [0.0]
    assert rejection_rows(never, np.array([20]), claim, scale).empty


def test_confirmation_rows_compare_the_confirming_close_with_the_setup():
    f = frame_of(FLAT + [100, 101, 103, 105, 106, 107, 108])
    claim = Claim(id="c", kind="confirmation", quote="q", band=[102, 104], within_bars=3, horizon=2)
    rows = confirmation_rows(f, np.array([20]), claim, Scale(100.0, 2.0))
    setup, confirmed = rows[~rows["group"]], rows[rows["group"]]
    assert setup["value"].tolist() == pytest.approx([103 / 100 - 1])
    # The first close above 104 after the setup is 105 (session 3): its 2-session return 107/105 - 1.
    assert confirmed["start"].tolist() == [f.index[23]] and confirmed["value"].tolist() == pytest.approx([107 / 105 - 1])


def test_relative_rows_use_the_ratio_of_closes_on_shared_dates():
    a, b = frame_of([100, 110, 121, 121]), frame_of([50, 50, 55, 60])
    rows = relative_rows(a, np.array([0]), b.iloc[1:], 1)  # the peer starts a day later: 0 is not a shared date
    assert rows.empty
    rows = relative_rows(a, np.array([1]), b, 1)
    assert rows["value"].tolist() == pytest.approx([(121 / 55) / (110 / 50) - 1])
    assert relative_rows(a, np.array([1]), None, 1).empty


def test_call_positions_follow_the_final_call_rules_bar_by_bar():
    rng = np.random.default_rng(5)
    f = frame_of(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 600))), spread=0.5)
    c = f["close"].to_numpy()
    fast, slow, rsi = sma(c, 50), sma(c, 200), wilder_rsi(c, 14)
    for term, i in (("short", 0), ("medium", 1), ("long", 2)):
        expected = [t for t in range(205, 600) if final_call(CallFacts(
            c[t] > fast[t], c[t] > slow[t], rsi[t] > rsi[t - 5], fast[t] > slow[t]))[i].bias == "Bullish"]
        got = call_positions(f, term, "Bullish")
        assert got[got >= 205].tolist() == expected


def test_reclaimed_ma_and_the_other_conditions_on_a_hand_made_table():
    closes = [10.0] * 5 + [9, 9, 9, 11, 12, 12]
    f = frame_of(closes, spread=0.1)
    reclaim = Condition(kind="reclaimed_ma", period=3, bars=2, window=3, within_bars=4)
    mask = condition_mask(f, reclaim)
    # SMA(3) at bar 9: (11+12+12)/3... the close 12 is above it; 2 of the last 3 closes above; a close below before.
    assert mask.tolist() == [False] * 9 + [True, True]
    below = condition_mask(f, Condition(kind="below_ma", period=3))
    assert below[5] and not below[9]
    assert not setup_mask(f, [reclaim, Condition(kind="below_ma", period=3)]).any()


def test_near_resistance_needs_a_known_swing_high_close_above():
    closes = [100, 101, 102, 103, 104, 110, 104, 103, 102, 101, 100, 99, 100, 101, 106, 107]
    f = frame_of(closes, spread=0.5)
    mask = condition_mask(f, Condition(kind="near_resistance", pct=5))
    # The pivot high 110.5 (bar 5) is known from bar 10 on; closes within 5% below it count, not before.
    assert not mask[:10].any()
    assert mask[14] and mask[15] and not mask[11]  # 106 and 107 are within 5% of 110.5; 99 is not


def _rows(values: np.ndarray, spacing: int, baseline: float = 0.0) -> pd.DataFrame:
    idx = pd.bdate_range("2000-01-03", periods=len(values) * spacing + 5)
    starts = np.arange(len(values)) * spacing
    return pd.DataFrame({"start": idx[starts], "end": idx[starts + 2], "value": values, "baseline": baseline,
                         "group": False})


def test_evidence_follows_the_standard_words():
    held = evidence_of(_rows(np.full(30, 0.02) + np.linspace(-0.005, 0.005, 30), 5), seed=[1])
    assert word(held, 1) == standard.HELD and word(held, -1) == standard.DID_NOT_HOLD
    assert word(held, 0) == standard.DID_NOT_HOLD  # a neutral call contradicted by a clear difference
    flat = evidence_of(_rows(np.linspace(-0.02, 0.02, 30), 5), seed=[1])
    assert word(flat, 1) == standard.CLAIM_NOT_DISTINGUISHABLE and word(flat, 0) == standard.CLAIM_NOT_DISTINGUISHABLE
    few = evidence_of(_rows(np.full(9, 0.05), 5), seed=[1])
    assert word(few, 1) == standard.NOT_ENOUGH and few.reason.startswith("only 9 separate episodes")
    overlapping = evidence_of(_rows(np.full(30, 0.05), 1), seed=[1])  # windows overlap: one episode
    assert overlapping.evidence.episodes == 1 and word(overlapping, 1) == standard.NOT_ENOUGH
