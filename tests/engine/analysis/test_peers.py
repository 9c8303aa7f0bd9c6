"""Year-to-date returns against peers (the note's "lagged Nasdaq and S&P 500 this year")."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from rtybt.engine.analysis.note.peers import PeerReturn, compare, ytd_return
from rtybt.engine.analysis.note.snapshot import NO_PEERS, compute_snapshot
from rtybt.engine.commands.snapshot import take_snapshot
from rtybt.engine.core.errors import DataError
from rtybt.engine.data import load_bars


def frame(closes: dict[str, float]) -> pd.DataFrame:
    index = pd.DatetimeIndex(list(closes))
    c = list(closes.values())
    return pd.DataFrame({"open": c, "high": c, "low": c, "close": c, "volume": 1.0}, index=index)


def test_ytd_return_from_the_previous_years_last_close_to_the_date():
    bars = frame({"2024-12-30": 90.0, "2024-12-31": 100.0, "2025-01-02": 104.0, "2025-01-03": 110.0,
                  "2025-01-06": 200.0})
    r = ytd_return(bars, "X", date(2025, 1, 3))  # 110 / 100 - 1; the 200 after the date is never read
    assert r.ytd_return == pytest.approx(0.10) and r.since == date(2024, 12, 31)


def test_ytd_return_unknown_without_a_previous_year():
    r = ytd_return(frame({"2025-01-02": 1.0, "2025-01-03": 2.0}), "X", date(2025, 1, 3))
    assert r.ytd_return is None


@pytest.mark.parametrize(
    "own, expected",
    [(-0.10, "lagging SPY and QQQ year to date"), (0.20, "leading SPY and QQQ year to date"),
     (0.00, "between SPY and QQQ year to date"), (None, None)],
)
def test_compare(own, expected):
    others = [PeerReturn("SPY", -0.03, None), PeerReturn("QQQ", 0.05, None)]
    assert compare(PeerReturn("RTY", own, None), others) == expected


def test_on_the_notes_day_rty_lags_both_peers(snapshot_dir):
    snap = take_snapshot("RTY=F", "2025-05-08", str(snapshot_dir)).snapshot
    assert snap.peers["relation"] == "lagging SPY and QQQ year to date"
    assert snap.calls[2].reasoning.endswith("; lagging SPY and QQQ year to date")
    assert NO_PEERS not in snap.not_computable
    assert snap.data["checksum"] == "matches SHA256SUMS"
    assert any(row.startswith("2026-02-23 ") for row in snap.data["dropped"])  # the partial last bar, said


def test_no_peers_says_so(snapshot_dir):
    snap = take_snapshot("RTY=F", "2025-05-08", str(snapshot_dir), peers="").snapshot
    assert snap.peers is None and NO_PEERS in snap.not_computable
    assert "lagging" not in snap.calls[2].reasoning


def test_an_explicit_missing_peer_is_an_error(snapshot_dir):
    with pytest.raises(DataError, match=r"^--peers NOPE: "):
        take_snapshot("RTY=F", "2025-05-08", str(snapshot_dir), peers="NOPE")


def test_peers_are_read_only_up_to_the_date(snapshot_dir):
    rty = load_bars("RTY=F", snapshot_dir).frame
    spy = load_bars("SPY", snapshot_dir).frame
    full = compute_snapshot(rty, "RTY=F", date(2025, 5, 8), peer_frames={"SPY": spy}).to_dict()
    cut = compute_snapshot(rty.loc[:"2025-05-08"], "RTY=F", peer_frames={"SPY": spy.loc[:"2025-05-08"]}).to_dict()
    full.pop("requested_date"), cut.pop("requested_date")
    assert full == cut and full["peers"]["returns"][1]["symbol"] == "SPY"
