"""The frozen snapshot's real quirks, as its README counts them, are reported by `rtybt data check`'s loader."""

from __future__ import annotations

import pytest

from rtybt.engine.data.check import check_symbol


def counts(symbol: str, snapshot_dir) -> dict[str, int]:
    report, _ = check_symbol(symbol, str(snapshot_dir))
    return {c.name: len(c.findings) for c in report.checks if c.findings}


# From data/snapshot/README.md: zero volume (^RUT 17, RTY=F 8), OHLC (RTY=F 2, QQQ 1), the partial
# last bar 2026-02-23 in every file; and the calendar: 9/11 closed US markets for 4 weekdays.
@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        ("^RUT", {"zero_volume": 17, "partial_last_bar": 1, "gaps": 1}),
        ("RTY=F", {"zero_volume": 8, "ohlc": 2, "partial_last_bar": 1}),
        ("QQQ", {"ohlc": 1, "partial_last_bar": 1, "gaps": 1}),
        ("IWM", {"partial_last_bar": 1, "gaps": 1}),
        ("SPY", {"partial_last_bar": 1, "gaps": 1}),
        ("^VIX", {"partial_last_bar": 1, "gaps": 1}),
    ],
)
def test_snapshot_quirks_match_its_readme(symbol, expected, snapshot_dir):
    assert counts(symbol, snapshot_dir) == expected


def test_rut_details(snapshot_dir):
    report, bars = check_symbol("^RUT", str(snapshot_dir))
    by_name = {c.name: c for c in report.checks}
    partial = by_name["partial_last_bar"].findings
    assert [(f.date, f.line) for f in partial] == [("2026-02-23", 9687)]  # 9,686 rows + the header
    assert sum(f.date.startswith("2025") for f in by_name["zero_volume"].findings) >= 9  # "mostly 2025"
    assert by_name["gaps"].findings[0].date == "2001-09-17"
    assert bars.checksum_status == "matches SHA256SUMS"
    assert report.rows_read == 9686


def test_vix_has_no_volume_at_all(snapshot_dir):
    report, _ = check_symbol("^VIX", str(snapshot_dir))
    assert any("Volume is 0 on every row" in note for note in report.notes)
