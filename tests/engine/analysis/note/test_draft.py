"""`note init`'s reading: the seed's text gives a note file equal in meaning to the reviewed seed YAML; what it cannot
read it leaves out and names; table cells may run together, or be split by tabs or pipes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from rtybt.engine.analysis.note.draft import match_date, parse_text
from rtybt.engine.analysis.note.model import load_note, validate_note
from rtybt.engine.cli import app
from rtybt.engine.commands.note_init import draft_note

REPO = Path(__file__).resolve().parents[4]
SEED_TXT = REPO / "data" / "note" / "rty-ready-to-rally.txt"
SEED_YAML = REPO / "data" / "note" / "rty-ready-to-rally.yaml"


def test_the_seed_text_drafts_the_seed_note_file(snapshot_dir, tmp_path):
    out = tmp_path / "seed.yaml"
    draft = draft_note(SEED_TXT, data_dir=str(snapshot_dir), output=out)
    drafted, seed = load_note(out), load_note(SEED_YAML)
    # Equal in meaning: every field but `source` (a path relative to where each file lives) and `supporting` (the
    # reviewer's one addition: the config whose tearsheet and study the page links; no text names it).
    same = {"source": None, "supporting": []}
    assert drafted.model_copy(update=same) == seed.model_copy(update=same)
    assert seed.supporting == ["../../configs/ready_to_rally.yaml"]
    assert (out.parent / drafted.source).resolve() == SEED_TXT.resolve()
    assert draft.unread == []
    assert "2025-05-08, found from the bars" in draft.date_note
    assert any("Golden Cross still absent" in line for line in draft.skipped)


def test_without_a_readable_instrument_it_asks_for_symbol(snapshot_dir, tmp_path):
    text = tmp_path / "gold.txt"
    text.write_text("Gold (XAU) – Breakout?\nCurrent Price: 2,300\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["note", "init", str(text), "--data-dir", str(snapshot_dir)])
    assert result.exit_code == 2 and "give --symbol" in result.output


def test_an_unread_field_is_left_out_and_named():
    d = parse_text("S&P 500 (SPX) – Higher?\nCurrent Price: 5,600.5\nRSI (14): 61.2 — gaining momentum\n")
    assert d.data["instrument"]["symbol"] == "SPY"
    assert d.data["readings"] == {"price": 5600.5, "rsi": {"period": 14, "value": 61.2}}
    assert "readings.moving_averages: no such line" in d.unread
    assert any(u.startswith("levels: no Key Levels rows") for u in d.unread)
    assert any(u.startswith("claims (bias): no Final Call rows") for u in d.unread)


@pytest.mark.parametrize("row", ["Resistance2,050–2,070Previous swing highs", "Resistance\t2,050–2,070\tPrevious swing highs",
                                 "| Resistance | 2,050 - 2,070 | Previous swing highs |"])
def test_key_levels_rows_in_any_of_three_layouts(row):
    d = parse_text(f"X (SPY) – Up?\nKey Levels\n{row.strip('| ')}\nSupport1,99550-day MA support\n")
    assert d.data["table"][0] == {"type": "resistance", "band": [2050.0, 2070.0], "label": "Previous swing highs"}
    assert d.data["table"][1] == {"type": "support", "price": 1995.0, "label": "50-day MA support"}


def test_the_date_is_the_one_whose_bars_match_the_readings(snapshot_dir):
    from rtybt.engine.data import load_bars

    bars = load_bars("SPY", snapshot_dir)
    frame = bars.frame
    day = frame.index[5000]
    from rtybt.engine.analysis.indicators import sma, wilder_rsi

    c = frame["close"].to_numpy()
    readings = {"price": float(c[5000]), "moving_averages": [{"period": 50, "value": float(sma(c, 50)[5000])}],
                "rsi": {"period": 14, "value": float(wilder_rsi(c, 14)[5000])}}
    best = match_date(frame, readings)
    assert best[0][0] == day.date() and best[0][1] == pytest.approx(0.0, abs=1e-12)


def test_the_drafted_yaml_is_a_valid_note_file_as_printed(snapshot_dir):
    result = CliRunner().invoke(app, ["note", "init", str(SEED_TXT), "--data-dir", str(snapshot_dir), "-q"])
    assert result.exit_code == 0, result.output
    text = result.stdout if hasattr(result, "stdout") else result.output
    body = text[text.index("# Drafted"):]
    assert validate_note(yaml.safe_load(body), "stdout").date.isoformat() == "2025-05-08"


def test_the_second_note_drafts_its_reviewed_file(snapshot_dir, tmp_path):
    text = REPO / "examples" / "qqq-turning-the-corner.txt"
    out = tmp_path / "qqq.yaml"
    draft = draft_note(text, data_dir=str(snapshot_dir), output=out)
    reviewed = load_note(REPO / "examples" / "qqq-turning-the-corner.yaml")
    assert load_note(out).model_copy(update={"source": None}) == reviewed.model_copy(update={"source": None})
    assert reviewed.instrument.symbol == "QQQ" and reviewed.date.isoformat() == "2023-01-13"
    assert draft.unread == [] and "found from the bars" in draft.date_note
    # The run-together row "Resistance290200-day MA" keeps its price and its label apart.
    assert {"type": "resistance", "price": 290.0, "label": "200-day MA"} in draft.data["levels"]["table"]


@pytest.mark.parametrize("content, message", [(b"", "empty"), (b"\xff\xfe\x00bad", "not UTF-8 text")])
def test_an_empty_or_binary_text_is_one_line_exit_2(tmp_path, content, message):
    path = tmp_path / "note.txt"
    path.write_bytes(content)
    result = CliRunner().invoke(app, ["note", "init", str(path)])
    assert result.exit_code == 2 and message in result.output and len(result.output.strip().splitlines()) == 1
