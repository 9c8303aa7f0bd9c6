"""Property-based fuzz of the two inputs a user hands rtybt: CSV bytes and config values. Whatever they hold, the
CLI answers with exit 0 or with exit 2 and one stderr line, never exit 1 (an internal error with a traceback)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import error_lines
from tests.hardening.cli_harness import bars_csv, run_cli

GOOD_LINES = bars_csv(60).to_csv(index=False).splitlines()
# 40 fixed examples per property in CI (seconds); RTYBT_FUZZ_EXAMPLES=2000 explores afresh for a deeper search.
DEEP = int(os.environ.get("RTYBT_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=DEEP or 40, deadline=None, derandomize=not DEEP, database=None,
                suppress_health_check=[HealthCheck.too_slow])

# Cells pandas reads without complaint, cells it cannot read, and cells that break the row or the file.
TRICKY_CELLS = st.sampled_from([
    "inf", "-inf", "Infinity", "nan", "NaN", "", " ", "1e308", "-1e308", "1e-320", "-0", "0", "0x10", "True",
    "1_000", "١٠٠", "100\x00", '"100', "100,5", "9" * 400, "2020-01-07", "13/01/2020", "01/13/2020",
    "2020-03-09 00:00:00-04:00", "2020-11-02T00:00:00Z", "9999-12-31", "1600-01-01", "\ufeff100", "\r",
])
CELLS = st.one_of(TRICKY_CELLS, st.text(max_size=12), st.floats().map(repr), st.integers().map(str))


@st.composite
def csv_bytes(draw) -> bytes:
    """A valid bars file with a few cells, lines or bytes changed, or (rarely) bytes from nowhere."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2000))
    lines = [line.split(",") for line in GOOD_LINES]
    for _ in range(draw(st.integers(1, 4))):
        row = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["cell", "cell", "cell", "drop", "dup", "bytes"]))
        if kind == "cell":
            lines[row][draw(st.integers(0, len(lines[row]) - 1))] = draw(CELLS)
        elif kind == "drop" and len(lines) > 2:
            del lines[row]
        elif kind == "dup":
            lines.insert(row, list(lines[row]))
        else:
            lines[row] = [draw(st.binary(max_size=40)).decode("latin-1")]
    text = "\n".join(",".join(cells) for cells in lines) + "\n"
    return text.encode("utf-8", errors="surrogatepass")


def assert_clean_answer(outcome) -> None:
    assert outcome.code in (0, 2), (outcome.code, outcome.stderr[-2000:])
    assert "Traceback" not in outcome.stderr + outcome.stdout
    if outcome.code == 2:
        error_lines(outcome.stderr)


@FUZZ
@given(blob=csv_bytes())
def test_data_check_answers_any_csv_bytes_in_one_line(blob):
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "TEST.csv").write_bytes(blob)
        outcome = run_cli(["data", "check", "TEST", "--data-dir", folder])
    assert_clean_answer(outcome)
    if outcome.code == 2:
        assert "TEST" in outcome.stderr  # the file (or the symbol) is named


# Config keys whose values are numbers, dates, names or switches, and values of every YAML kind.
KEYS = [
    ("broker", "cash"), ("broker", "commission_rate"), ("broker", "slippage_rate"), ("broker", "instrument"),
    ("sizing", "equity_fraction"), ("sizing", "method"), ("analysis", "risk_free_rate"),
    ("analysis", "periods_per_year"), ("data", "start"), ("data", "end"), ("data", "symbol"),
    ("data", "validation", "max_gap_days"), ("data", "validation", "ohlc"), ("strategy", "params", "ma_period"),
    ("strategy", "params", "hold_bars"), ("strategy", "params", "stop_pct"), ("event_study", "horizons"),
    ("event_study", "verdict_horizon"), ("event_study", "confidence"), ("report", "zoom_months"), ("name",),
]
VALUES = st.one_of(
    st.floats(), st.integers(min_value=-(10**30), max_value=10**30), st.booleans(), st.none(),
    st.text(max_size=40), st.dates().map(str), st.lists(st.integers(-5, 300), max_size=4),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from([".inf", "-.inf", ".nan", "1e308", "20", "0.5", "^RUT", "TEST", "../x", "x" * 300]),
)


@FUZZ
@given(changes=st.lists(st.tuples(st.sampled_from(KEYS), VALUES), min_size=1, max_size=3))
def test_run_answers_any_config_value_in_one_line(changes):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "TEST.csv").write_text("\n".join(GOOD_LINES) + "\n")
        config = {
            "data": {"symbol": "TEST"},
            "strategy": {"name": "ma_reclaim", "params": {"ma_period": 10, "hold_bars": 2}},
            "benchmark": {"enabled": False}, "event_study": {"bootstrap_samples": 100},
            "output": {"dir": str(root / "results"), "plots": False, "tearsheet": False},
        }
        for path, value in changes:
            node = config
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = value
        (root / "fuzz.yaml").write_text(yaml.safe_dump(config, allow_unicode=False))
        outcome = run_cli(["-q", "run", root / "fuzz.yaml", "--data-dir", root])
        assert_clean_answer(outcome)
        if outcome.code == 2:
            assert not (root / "results").exists() or not any(
                p for p in (root / "results").rglob("manifest.json")), "a refused run left a run directory"
