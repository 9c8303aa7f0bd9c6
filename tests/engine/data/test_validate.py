"""Each data-validation problem on a crafted CSV: found on the right CSV line, and each policy doing what it says."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rtybt.engine.config import ValidationPolicy
from rtybt.engine.core.errors import DataError
from rtybt.engine.data import load_bars

HEADER = "Date,Open,High,Low,Close,Volume"
# Six clean business days; the header is CSV line 1, so 2024-01-02 is line 2 ... 2024-01-09 is line 7.
CLEAN = [
    "2024-01-02,100,102,99,101,1000",
    "2024-01-03,101,103,100,102,1100",
    "2024-01-04,102,104,101,103,1200",
    "2024-01-05,103,105,102,104,1300",
    "2024-01-08,104,106,103,105,1400",
    "2024-01-09,105,107,104,106,1500",
]


def write(folder: Path, rows: list[str], header: str = HEADER, symbol: str = "TEST") -> Path:
    path = folder / f"{symbol}.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def load(folder: Path, **policy):
    return load_bars("TEST", folder, ValidationPolicy(**policy), allow_download=False)


def check(bars, name):
    return next(c for c in bars.report.checks if c.name == name)


def test_clean_file_has_no_findings(tmp_path):
    write(tmp_path, CLEAN)
    bars = load(tmp_path)
    assert bars.report.problems == [] and bars.report.dropped == []
    assert bars.report.rows_read == bars.report.rows_kept == 6
    assert list(bars.frame.columns) == ["open", "high", "low", "close", "volume"]
    assert bars.frame.index[0] == pd.Timestamp("2024-01-02") and bars.frame["close"].iloc[-1] == 106.0
    assert all(dtype == "float64" for dtype in bars.frame.dtypes)


def test_plain_iso_dates_read_as_the_general_date_path_reads_them(tmp_path):
    # YYYY-MM-DD files take a one-format parse; the same dates with a time of day take the general path.
    write(tmp_path, CLEAN)
    fast = load(tmp_path).frame
    write(tmp_path, [" " + row.replace(",", " 00:00:00,", 1) for row in CLEAN])
    general = load(tmp_path).frame
    assert fast.index.equals(general.index) and fast.index.dtype == general.index.dtype
    pd.testing.assert_frame_equal(fast, general)
    # A date that has the form but not the day still names its line.
    write(tmp_path, [*CLEAN[:3], CLEAN[3].replace("2024-01-05", "2024-02-30"), *CLEAN[4:]])
    with pytest.raises(DataError, match=r"line 5: cannot read date '2024-02-30'"):
        load(tmp_path)


def test_columns_by_name_in_any_order_and_case(tmp_path):
    # The snapshot's own order is Date,Close,High,Low,Open,Volume: columns must never be read by position.
    reordered = ["volume,CLOSE,low,date,HIGH,oPeN"]
    rows = []
    for row in CLEAN:
        d, o, h, low, c, v = row.split(",")
        rows.append(",".join([v, c, low, d, h, o]))
    write(tmp_path, rows, header=reordered[0])
    other = tmp_path / "plain"
    other.mkdir()
    write(other, CLEAN)
    pd.testing.assert_frame_equal(load(tmp_path).frame, load(other).frame)


def test_missing_column_is_named(tmp_path):
    write(tmp_path, [r.rsplit(",", 1)[0] for r in CLEAN], header="Date,Open,High,Low,Close")
    with pytest.raises(DataError, match=r"TEST\.csv: missing column\(s\) Volume"):
        load(tmp_path)


def test_duplicate_dates_error_names_the_line(tmp_path):
    rows = [*CLEAN[:3], "2024-01-04,1,1,1,1,1", *CLEAN[3:]]  # line 5 repeats line 4's date
    write(tmp_path, rows)
    with pytest.raises(DataError, match=r"TEST\.csv: line 5 \(2024-01-04\): duplicate dates"):
        load(tmp_path)


def test_duplicate_dates_drop_keeps_the_first_and_lists_the_row(tmp_path):
    write(tmp_path, [*CLEAN[:3], "2024-01-04,1,1,1,1,1", *CLEAN[3:]])
    bars = load(tmp_path, duplicates="drop")
    assert [(f.line, f.date) for f in bars.report.dropped] == [(5, "2024-01-04")]
    assert bars.frame.loc["2024-01-04", "close"] == 103.0  # line 4's bar, not the repeat
    assert bars.report.rows_read == 7 and bars.report.rows_kept == 6


def test_unsorted_error_and_sort(tmp_path):
    rows = [CLEAN[0], CLEAN[2], CLEAN[1], *CLEAN[3:]]  # line 4 (01-03) comes after line 3 (01-04)
    write(tmp_path, rows)
    with pytest.raises(DataError, match=r"line 4 \(2024-01-03\): dates out of order: comes after 2024-01-04"):
        load(tmp_path)
    bars = load(tmp_path, unsorted="sort")
    assert bars.frame.index.is_monotonic_increasing
    assert bars.frame.loc["2024-01-03", "close"] == 102.0 and bars.report.dropped == []
    assert any("sorted 1 out-of-order row" in n for n in bars.report.notes)


@pytest.mark.parametrize(
    ("cell", "detail"),
    [("", "Close is missing"), ("abc", "Close is non-numeric 'abc'"), ("NaN", "Close is missing")],
)
def test_nan_and_text_error_names_line_and_column(tmp_path, cell, detail):
    rows = list(CLEAN)
    rows[3] = f"2024-01-05,103,105,102,{cell},1300"  # line 5
    write(tmp_path, rows)
    with pytest.raises(DataError, match=rf"line 5 \(2024-01-05\): missing or non-numeric values: {detail}"):
        load(tmp_path)


def test_nan_drop_removes_exactly_that_row(tmp_path):
    rows = list(CLEAN)
    rows[3] = "2024-01-05,103,105,102,abc,1300"
    write(tmp_path, rows)
    bars = load(tmp_path, nan="drop")
    assert pd.Timestamp("2024-01-05") not in bars.frame.index and len(bars.frame) == 5
    assert [f.line for f in bars.report.dropped] == [5]


def test_non_positive_price(tmp_path):
    rows = list(CLEAN)
    rows[1] = "2024-01-03,101,103,0,102,1100"  # line 3, Low 0
    write(tmp_path, rows)
    with pytest.raises(DataError, match=r"line 3 \(2024-01-03\): prices <= 0: Low=0"):
        load(tmp_path)
    bars = load(tmp_path, non_positive="drop")
    assert [f.line for f in bars.report.dropped] == [3] and len(bars.frame) == 5


def test_ohlc_warn_keeps_error_stops_drop_removes(tmp_path):
    rows = list(CLEAN)
    rows[4] = "2024-01-08,104,106,104.5,105,1400"  # line 6: Low 104.5 above the Open 104
    write(tmp_path, rows)
    warned = load(tmp_path)  # default: warn
    findings = check(warned, "ohlc").findings
    assert [(f.line, f.date) for f in findings] == [(6, "2024-01-08")]
    assert "Low 104.5 > min(Open, Close) 104" in findings[0].detail
    assert len(warned.frame) == 6 and warned.report.dropped == []
    with pytest.raises(DataError, match=r"line 6 \(2024-01-08\): OHLC inconsistent"):
        load(tmp_path, ohlc="error")
    dropped = load(tmp_path, ohlc="drop")
    assert pd.Timestamp("2024-01-08") not in dropped.frame.index and [f.line for f in dropped.report.dropped] == [6]


def test_ohlc_float_noise_of_adjusted_prices_is_not_a_problem(tmp_path):
    # IWM 2001-10-23 in the snapshot: Low exceeds Close by 7e-15 (adjustment rounding), a real-looking bar.
    rows = list(CLEAN)
    rows[2] = "2024-01-04,31.505351053117,31.60791423899182,31.06212997436524,31.062129974365234,1200"
    rows[3] = "2024-01-05,583.739990234375,583.7399291992188,578.5499877929688,580.7000122070312,1300"
    write(tmp_path, rows)
    # Only line 5 (QQQ 2025-09-10's High below its Open by 6e-5) is an inconsistency.
    assert [f.line for f in check(load(tmp_path), "ohlc").findings] == [5]


def test_zero_volume_warn_error_drop(tmp_path):
    rows = list(CLEAN)
    rows[5] = "2024-01-09,105,107,104,106,0"  # line 7
    write(tmp_path, rows)
    assert [f.line for f in check(load(tmp_path), "zero_volume").findings] == [7]
    with pytest.raises(DataError, match=r"line 7 \(2024-01-09\): Volume 0"):
        load(tmp_path, zero_volume="error")
    assert len(load(tmp_path, zero_volume="drop").frame) == 5


def test_a_series_without_volume_is_a_note_not_findings(tmp_path):
    write(tmp_path, [r.rsplit(",", 1)[0] + ",0" for r in CLEAN])
    bars = load(tmp_path, zero_volume="error")
    assert check(bars, "zero_volume").findings == []
    assert any("Volume is 0 on every row" in n for n in bars.report.notes)


def test_partial_last_bar_from_the_meta_sidecar(tmp_path):
    write(tmp_path, CLEAN)
    meta = {"symbol": "TEST", "source": "yfinance", "fetched_at": "2024-01-09T15:30:00+00:00", "rows": 6}
    (tmp_path / "TEST.csv.meta.json").write_text(json.dumps(meta))
    bars = load(tmp_path)  # default: drop
    assert [(f.line, f.date) for f in bars.report.dropped] == [(7, "2024-01-09")]
    assert bars.frame.index[-1] == pd.Timestamp("2024-01-08")
    kept = load(tmp_path, partial_last_bar="warn")
    assert len(kept.frame) == 6 and [f.line for f in check(kept, "partial_last_bar").findings] == [7]
    with pytest.raises(DataError, match=r"line 7 \(2024-01-09\): trailing partial bar"):
        load(tmp_path, partial_last_bar="error")


def test_partial_last_bar_from_the_readme_frozen_on_line(tmp_path):
    write(tmp_path, CLEAN)
    (tmp_path / "README.md").write_text("# Snapshot\nDaily bars, frozen on 2024-01-09. One CSV per symbol.\n")
    assert [f.line for f in load(tmp_path).report.dropped] == [7]
    # A download day after the last bar: the last bar is a finished close.
    (tmp_path / "README.md").write_text("Daily bars, frozen on 2024-01-10.\n")
    assert load(tmp_path).report.dropped == []


def test_calendar_gaps(tmp_path):
    # 2024-01-09 -> 2024-01-17 leaves 5 weekdays (10, 11, 12, 15, 16) without a bar: line 8.
    write(tmp_path, [*CLEAN, "2024-01-17,106,108,105,107,1600"])
    gaps = check(load(tmp_path), "gaps").findings
    assert [(f.line, f.date) for f in gaps] == [(8, "2024-01-17")]
    assert gaps[0].detail == "5 weekdays without a bar since 2024-01-09"
    assert check(load(tmp_path, max_gap_days=5), "gaps").findings == []
    with pytest.raises(DataError, match=r"line 8 \(2024-01-17\): calendar gaps"):
        load(tmp_path, gaps="error")


def test_gaps_are_still_found_when_rows_are_unsorted_or_repeated(tmp_path):
    # Before: any unsorted or repeated date switched the gap check off, silently.
    rows = [CLEAN[1], CLEAN[0], *CLEAN[2:], CLEAN[5], "2024-01-17,106,108,105,107,1600"]
    write(tmp_path, rows)
    bars = load(tmp_path, unsorted="sort", duplicates="drop")
    assert [(f.line, f.date) for f in check(bars, "gaps").findings] == [(9, "2024-01-17")]


def test_report_lists_every_check_with_its_action(tmp_path):
    write(tmp_path, CLEAN)
    report = load(tmp_path).report.to_dict()
    assert [c["check"] for c in report["checks"]] == [
        "duplicates", "unsorted", "nan", "non_positive", "ohlc", "zero_volume", "partial_last_bar", "gaps",
    ]
    assert {c["check"]: c["action"] for c in report["checks"]}["partial_last_bar"] == "drop"


def test_line_numbers_count_blank_lines(tmp_path):
    # A blank line 4 in the file: the Volume 0 row is on line 7 in an editor, not the 6th row + 1.
    rows = list(CLEAN)
    rows[4] = "2024-01-08,104,106,103,105,0"
    path = tmp_path / "TEST.csv"
    path.write_text("\n".join([HEADER, *rows[:2], "", *rows[2:]]) + "\n")
    assert [f.line for f in check(load(tmp_path), "zero_volume").findings] == [7]
    assert path.read_text().splitlines()[6] == "2024-01-08,104,106,103,105,0"


def test_partial_bar_is_the_latest_date_even_when_it_is_not_the_last_line(tmp_path):
    write(tmp_path, [CLEAN[0], CLEAN[1], CLEAN[5], CLEAN[2], CLEAN[3], CLEAN[4]])  # 01-09 on line 4
    (tmp_path / "README.md").write_text("frozen on 2024-01-09\n")
    bars = load(tmp_path, unsorted="sort")
    assert [(f.line, f.date) for f in bars.report.dropped] == [(4, "2024-01-09")]
    assert bars.frame.index[-1] == pd.Timestamp("2024-01-08")
