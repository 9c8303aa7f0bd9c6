"""The snapshot on the note's own date and market: readings, checklists and Final Call against the note."""

from __future__ import annotations

import json
from datetime import date

import pytest

from rtybt.engine.analysis.note.snapshot import compute_snapshot
from rtybt.engine.commands.snapshot import take_snapshot
from rtybt.engine.core.errors import DataError, UserError
from rtybt.engine.data import load_bars

NOTE_DAY = date(2025, 5, 8)


@pytest.fixture(scope="module")
def rty(snapshot_dir):
    return load_bars("RTY=F", snapshot_dir)


@pytest.fixture(scope="module")
def note_snapshot(snapshot_dir):
    snap = take_snapshot("RTY=F", "2025-05-08", str(snapshot_dir)).snapshot
    return snap


def test_readings_match_the_note(note_snapshot):
    """The note: price 2,036.4, 50-day MA 1,996.2, 200-day MA 2,192.8, RSI(14) 58.26 (the data README says why
    not exactly: the note read an intraday price, the file holds the settlement)."""
    r = note_snapshot.readings
    assert note_snapshot.bar_date == NOTE_DAY and note_snapshot.date_note is None
    assert r.close == pytest.approx(2036.4, rel=0.005)
    assert r.sma_fast == pytest.approx(1996.2, rel=0.005)
    assert r.sma_slow == pytest.approx(2192.8, rel=0.005)
    assert abs(r.rsi - 58.26) <= 1.0
    # "50-day MA (now below price)", "Golden Cross still absent – price remains below the 200-day MA",
    # "gaining momentum"
    assert r.above_fast and not r.above_slow and not r.golden_cross and r.rsi_slope > 0


def test_final_call_matches_the_note(note_snapshot):
    assert [(c.horizon, c.bias) for c in note_snapshot.calls] == [
        ("Short-term", "Bullish"), ("Medium", "Cautiously Bullish"), ("Long-term", "Neutral"),
    ]


def test_checklists_on_the_notes_day(note_snapshot):
    bull = {i.key: i.status for i in note_snapshot.bull_case}
    bear = {i.key: i.status for i in note_snapshot.bear_case}
    assert bull == {"reclaim_50": True, "bullish_candles": True, "rsi_breakout": True,
                    "rate_environment": None, "upside_target": True}
    assert bear == {"under_200": True, "overhead_rejection": True, "risk_appetite": None}


def test_key_levels_bracket_the_price(note_snapshot):
    close = note_snapshot.readings.close
    assert note_snapshot.resistance and note_snapshot.support
    assert all(lv.high >= close for lv in note_snapshot.resistance)
    assert all(lv.low <= close for lv in note_snapshot.support)
    types = {lv.detail for lv in note_snapshot.resistance + note_snapshot.support if lv.type == "MA-based dynamic level"}
    assert types == {"50-day MA", "200-day MA"}  # the note's "2,192 200-day MA" and "1,995 50-day MA support"


def test_nothing_after_the_date_is_read(rty):
    """The snapshot of a date on the full file equals the snapshot of the file cut at that date."""
    full = compute_snapshot(rty.frame, "RTY=F", NOTE_DAY).to_dict()
    cut = compute_snapshot(rty.frame.loc[: "2025-05-08"], "RTY=F").to_dict()
    full.pop("requested_date"), cut.pop("requested_date")
    assert full == cut


def test_same_input_same_json(rty):
    a = json.dumps(compute_snapshot(rty.frame, "RTY=F", NOTE_DAY).to_dict())
    b = json.dumps(compute_snapshot(rty.frame.copy(), "RTY=F", NOTE_DAY).to_dict())
    assert a == b


def test_a_non_trading_day_uses_the_bar_before_and_says_so(rty):
    snap = compute_snapshot(rty.frame, "RTY=F", date(2025, 5, 10), source="RTY=F.csv")  # a Saturday
    assert snap.bar_date == date(2025, 5, 9)
    assert snap.date_note == "2025-05-10 is not a trading day in RTY=F.csv: using the last bar on or before it, 2025-05-09"


@pytest.mark.parametrize("day", [date(2017, 7, 7), date(2026, 3, 1)])
def test_a_date_outside_the_data_is_a_one_line_error(rty, day):
    with pytest.raises(DataError, match=rf"RTY=F.csv: --date {day} is outside the data \(2017-07-10 to "):
        compute_snapshot(rty.frame, "RTY=F", day, source="RTY=F.csv")


def test_too_little_history_is_an_error(rty):
    with pytest.raises(DataError, match=r"only 17 bars up to 2017-08-01; the snapshot needs 200"):
        compute_snapshot(rty.frame, "RTY=F", date(2017, 8, 1), source="RTY=F.csv")


def test_a_malformed_date_is_a_user_error(snapshot_dir):
    with pytest.raises(UserError, match=r"--date: '2025-13-01' is not a date"):
        take_snapshot("RTY=F", "2025-13-01", str(snapshot_dir))
