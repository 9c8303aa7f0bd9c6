"""`rtybt note`: the seed note run once (shared), its claims judged by the standard, its page, JSON, CSV and manifest;
serial and pool give the same table; a missing peer is said; bad input exits 2; the pipeline names no instrument."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from rtybt.engine.analysis import standard
from rtybt.engine.cli import app
from rtybt.engine.commands.note import run_note
from tests.conftest import error_lines

REPO = Path(__file__).resolve().parents[3]
SEED = REPO / "data" / "note" / "rty-ready-to-rally.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory, snapshot_dir):
    out = tmp_path_factory.mktemp("note")
    return run_note(SEED, str(snapshot_dir), results_dir=out, workers=1, command_line=["rtybt", "note", str(SEED)])


@pytest.fixture(scope="module")
def second_run(seed_run, snapshot_dir):
    """The seed note again, serial and without analogs, in the first run's results folder (its tearsheet stored)."""
    return run_note(SEED, str(snapshot_dir), results_dir=seed_run.run_dir.parents[1], workers=1, analogs=False)


def test_every_claim_is_judged_by_the_standard(seed_run):
    note = seed_run.note
    assert [v.claim.id for v in seed_run.verdicts] == [c.id for c in note.claims]
    raw = [v.answer.evidence.p_value for v in seed_run.verdicts]
    assert [v.answer.evidence.p_adjusted for v in seed_run.verdicts] == standard.adjust(raw)
    for v in seed_run.verdicts:
        assert v.word in standard.CLAIM_WORDS
        e = v.answer.evidence
        expected = standard.claim_word(e, v.claim.claimed_sign or 1)
        if v.claim.claimed_sign == 0 and expected in (standard.HELD, standard.DID_NOT_HOLD):
            expected = standard.DID_NOT_HOLD
        assert v.word == expected
        if v.word == standard.NOT_ENOUGH:
            assert v.answer.reason
        else:
            assert e.episodes >= standard.MIN_EPISODES and e.low <= e.estimate <= e.high
    assert set(seed_run.verdicts[0].markets) == {*note.markets, "pooled"}
    assert seed_run.analogs is not None and len(seed_run.analogs.answer.analogs) == 20


def test_the_readings_and_the_setup_are_read_on_the_date(seed_run):
    price = seed_run.readings[0]
    assert price.name == "price" and price.note == seed_run.note.readings.price
    assert abs(price.instrument / price.note - 1) < 0.01  # the bars' close against the note's intraday price
    assert all(on_inst for _, on_inst, _ in seed_run.setup_on_date)  # the note's own setup held on its date


def test_page_json_csv_and_manifest(seed_run):
    from rtybt.engine.results.provenance import read_manifest, verify_files

    run_dir = seed_run.run_dir
    manifest = read_manifest(run_dir)
    verify_files(run_dir, manifest)
    assert manifest["command"] == "note" and set(manifest["files"]) == {"note.html", "note.json", "claims.csv"}
    page = (run_dir / "note.html").read_text(encoding="utf-8")
    first_table = page.index("<table")
    assert page.index('class="claims"') < page.index("</table>", first_table)  # the claims table comes first
    for v in seed_run.verdicts:
        assert f'id="claim-{v.claim.id}"' in page
    for paragraph in standard.how_we_judge()[:1]:
        assert paragraph.replace("'", "&#x27;") in page
    for level in seed_run.note.levels.table:
        assert level.label in page
    for linked in ("analogs", "tearsheet"):
        target = re.search(rf'href="([^"]*{linked}\.html)"', page).group(1)
        assert (run_dir / target).resolve().is_file()
    assert seed_run.supporting[0]["how"] == "run now" and seed_run.supporting[0]["study"] is None
    data = json.loads((run_dir / "note.json").read_text())
    table = pd.read_csv(run_dir / "claims.csv")
    assert len(data["claims"]) == len(table) == len(seed_run.verdicts)
    for claim, (_, row) in zip(data["claims"], table.iterrows(), strict=True):
        history = claim["scopes"]["history"]
        assert claim["answer"] == row["answer"] == history["answer"]
        assert history["episodes"] == row["episodes"]
        if history["estimate"] is not None:
            assert history["estimate"] == pytest.approx(row["estimate"], rel=1e-9)
    assert data["how_we_judge"] == standard.how_we_judge()


def test_serial_and_pool_give_the_same_claims_table(second_run, snapshot_dir):
    serial = second_run  # one process (its page written too, which the claims table does not depend on)
    pooled = run_note(SEED, str(snapshot_dir), workers=2, write=False, analogs=False)
    pd.testing.assert_frame_equal(serial.table(), pooled.table())
    assert "analogs: answer" not in serial.table().columns


def test_a_peer_without_bars_makes_its_claim_say_why(recent_snapshot_dir, tmp_path):
    # What a missing peer does to its claim, not the claims' numbers: the snapshot's recent years are enough.
    data = tmp_path / "data"
    data.mkdir()
    for name in ("RTY=F", "^RUT", "IWM", "SPY", "^VIX"):
        shutil.copy(recent_snapshot_dir / f"{name}.csv", data)
    result = run_note(SEED, str(data), workers=1, write=False, analogs=False)
    qqq = next(v for v in result.verdicts if v.claim.id == "outperform-qqq")
    assert qqq.word == standard.NOT_ENOUGH and qqq.answer.reason.startswith("no bars for QQQ")
    assert "QQQ" in result.missing and "QQQ" not in qqq.markets


def _bad_note(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, message", [
    (lambda r: r["levels"]["table"][0].update(band=[20500, 20700]), "levels.table.0.band: level 20500 has no bars in range"),
    (lambda r: r["claims"][4].update(target={"price": 215}), "claims.4: level 215 has no bars in range"),
    (lambda r: r.update(date="2025-05-10"), "date: 2025-05-10 is not a trading day of RTY=F"),
    (lambda r: r["instrument"].update(symbol="NOPE"), "instrument.symbol"),
])
def test_bad_input_is_one_line_and_exit_2(recent_snapshot_dir, tmp_path, change, message):
    # Each is refused before any claim is tested, on bars of any length: the snapshot's recent years load faster.
    path = _bad_note(tmp_path, change)
    result = runner.invoke(app, ["note", str(path), "--data-dir", str(recent_snapshot_dir), "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert message in error_lines(result.output)[0]
    assert not (tmp_path / "results").exists()


def test_a_missing_note_file_and_init_options_on_a_run_exit_2(tmp_path):
    missing = runner.invoke(app, ["note", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2 and "note file not found" in missing.output
    wrong = runner.invoke(app, ["note", str(SEED), "--symbol", "SPY"])
    assert wrong.exit_code == 2 and "belong to `rtybt note init`" in wrong.output


# Two modules of the note's folders are the seed note's own encoding, older than the note file: its Bull/Bear
# checklists (`rtybt snapshot`) and the tearsheet's static note chart with the seed's bands. `rtybt note` reads a
# note's levels and claims from its YAML and imports neither.
SEED_TABLE = {"checklists.py", "note_chart.py"}
PIPELINE = [p for p in [*sorted((REPO / "engine" / "analysis" / "note").glob("*.py")),
                        *sorted((REPO / "engine" / "report" / "note").glob("*.py")),
                        REPO / "engine" / "commands" / "note.py", REPO / "engine" / "commands" / "note_init.py"]
            if p.name not in SEED_TABLE]
# The one table that maps names and tickers to symbols is allowed to name them; nothing else is.
TABLE = REPO / "engine" / "analysis" / "note" / "instruments.py"
SEED_WORDS = ["RTY", "^RUT", "Russell", "2025-05-08", "2,050", "2050", "2,100", "2,150", "2150", "1,850", "1850",
              "2,036", "2036", "1,996", "2,192", "2192", "58.26"]


def test_the_pipeline_names_no_instrument_and_none_of_the_seeds_numbers():
    assert len(PIPELINE) >= 12
    found = [(p.name, w) for p in PIPELINE if p != TABLE for w in SEED_WORDS if w in p.read_text(encoding="utf-8")]
    assert found == []
    assert "RTY=F" in TABLE.read_text(encoding="utf-8")  # the check reads the files it means to


def test_the_second_note_runs_on_its_own_instrument(recent_snapshot_dir):
    # Its instrument, date and claims are the note's own, whatever the history's length: its recent years suffice.
    result = run_note(REPO / "examples" / "qqq-turning-the-corner.yaml", str(recent_snapshot_dir), workers=1,
                      write=False, analogs=False)
    assert result.history_symbol == "QQQ" and result.bar_date.isoformat() == "2023-01-13"
    assert len(result.verdicts) == len(result.note.claims) == 9
    assert all(v.word in standard.CLAIM_WORDS for v in result.verdicts)
    assert all(on for _, on, _ in result.setup_on_date)


def test_a_second_run_reuses_the_stored_tearsheet(seed_run, second_run):
    again = second_run
    assert again.supporting[0]["how"] == "reused"
    assert again.supporting[0]["tearsheet"] == seed_run.supporting[0]["tearsheet"]
    assert again.table()["answer"].tolist() == seed_run.table()["answer"].tolist()


def visible_text(page: str) -> str:
    """The words a reader sees: no scripts, styles, embedded images or tags."""
    import html

    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_note_page_writes_negative_numbers_with_the_unicode_minus(seed_run):
    from rtybt.engine.report.html import MINUS

    words = visible_text((seed_run.run_dir / "note.html").read_text(encoding="utf-8"))
    # The note's own quotes are the author's text, shown as written; every number rtybt formats is checked.
    for v in seed_run.verdicts:
        words = words.replace(v.claim.quote, "")
    hyphens = re.findall(r"(?<![\w.])-\d[\d,.]*%?", words)
    assert hyphens == [], f"ASCII-hyphen negatives on the note page: {hyphens[:10]}"
    assert re.search(rf"{MINUS}\d", words), "no negative number on the page: the check would pass vacuously"


def test_the_visible_text_check_can_fail():
    assert re.findall(r"(?<![\w.])-\d[\d,.]*%?", visible_text("<td>-1.2%</td><td>2025-05-08</td><td>a-1</td>")) == [
        "-1.2%"]
