"""Text from files is shown, never obeyed: control characters escaped on the terminal (errors, notes, tables),
HTML-escaped on pages, and CSV cells a spreadsheet would run as formulas written as text."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from rtybt.engine.core.csv_text import safe_cell, spreadsheet_safe
from rtybt.engine.core.terminal import printable, printable_line
from tests.conftest import REPO
from tests.hardening.cli_harness import run_cli
from tests.hardening.store_fixtures import config_file, walk_csv

ESC_TITLE = "\x1b]0;owned\x07"


def test_control_characters_are_escaped_and_plain_text_is_untouched():
    assert printable(f"a{ESC_TITLE}b\n\tc") == "a\\x1b]0;owned\\x07b\n\tc"
    assert printable_line("one\ntwo\r\x9b2J") == "one\\x0atwo\\x0d\\x9b2J"
    assert printable("price \u202egnp.exe") == "price \\u202egnp.exe"
    plain = "^RUT 2020-01-02: Sharpe 1.23, drawdown -4.5% é ü ✓"
    assert printable(plain) == plain == printable_line(plain)


def test_formula_cells_become_text_and_numbers_stay_numbers():
    import pandas as pd

    assert [safe_cell(v) for v in ("=1+2", "+cmd", "-x", "@SUM(A1)", "\t=1", "-0.05", "+3", "RTY=F", -0.05, None)] \
        == ["'=1+2", "'+cmd", "'-x", "'@SUM(A1)", "'\t=1", "-0.05", "+3", "RTY=F", -0.05, None]
    frame = pd.DataFrame({"symbol": ["=HYPERLINK(1)", "IWM"], "cagr": [-0.05, 0.1], "note": ["-", "ok"]})
    safe = spreadsheet_safe(frame)
    assert safe["symbol"].tolist() == ["'=HYPERLINK(1)", "IWM"] and safe["note"].tolist() == ["'-", "ok"]
    assert safe["cagr"].tolist() == [-0.05, 0.1] and frame["symbol"].iloc[0] == "=HYPERLINK(1)"


@pytest.mark.parametrize("where", ["header", "date-cell"])
def test_a_control_sequence_in_a_csv_reaches_the_terminal_escaped(where, tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    lines = walk_csv(rows=60).splitlines()
    if where == "header":
        lines[0] = lines[0].replace("Date", f"Date{ESC_TITLE}")
    else:
        lines[3] = ESC_TITLE + lines[3]
    (data / "XYZ.csv").write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("RTYBT_DATA_DIR", str(data))
    out = run_cli(["run", config_file(tmp_path)])
    assert out.code == 2 and len(out.stderr.splitlines()) == 1, out.stderr
    assert "\x1b" not in out.stderr and "\x07" not in out.stderr
    assert "\\x1b]0;owned" in out.stderr and str(data / "XYZ.csv") in out.stderr


def test_a_strategy_name_with_a_control_sequence_is_printed_escaped(tmp_path, synthetic):
    mine = tmp_path / "dip.py"
    source = (REPO / "examples" / "my_strategies" / "pullback.py").read_text()
    mine.write_text(source.replace('name = "pullback"', 'name = "dip\\x1b[2J"'))
    config = config_file(tmp_path, strategy={"name": "dip\x1b[2J", "file": str(mine)})
    out = run_cli(["run", config])
    assert out.code == 0, out.stderr
    assert "\x1b" not in out.stdout + out.stderr and "dip\\x1b[2J" in out.stdout


def test_markup_in_a_symbol_is_escaped_on_pages_and_formulas_are_text_in_csv(tmp_path, monkeypatch):
    symbol = "=SUM(1+2)<b>"
    data = tmp_path / "data"
    data.mkdir()
    (data / f"{symbol}.csv").write_text(walk_csv())
    monkeypatch.setenv("RTYBT_DATA_DIR", str(data))
    config = config_file(tmp_path, tearsheet=True)
    raw = config.read_text().replace("symbol: XYZ", f"symbol: '{symbol}'")
    config.write_text(raw)
    out = run_cli(["-q", "compare", config, "--json"])
    assert out.code == 0, out.stderr
    run_dir = Path(json.loads(out.stdout)["run_dir"])
    page = (run_dir / "comparison.html").read_text()
    assert "(1+2)<b>" not in page
    with (run_dir / "comparison.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["symbol"] == f"'{symbol}"
    assert float(rows[0]["max_drawdown"]) < 0  # a negative number is still a number
    (tearsheet,) = (tmp_path / "results" / "small").glob("*/tearsheet.html")
    assert "(1+2)<b>" not in tearsheet.read_text() and "=SUM(1+2)&lt;b&gt;" in tearsheet.read_text()


def test_json_output_escapes_what_a_terminal_would_obey_and_stays_the_same_json():
    from rtybt.engine.core.json_text import json_text

    payload = {"symbol": f"X{ESC_TITLE}\x9b2J\u202eY", "plain": "é ✓"}
    text = json_text(payload, ensure_ascii=False)
    assert not any(ch in text for ch in "\x1b\x07\x9b\u202e") and "é ✓" in text
    assert json.loads(text) == payload
