"""analogs.html on the note's date: parses, self-contained, two PNGs and the interactive chart, every section, numbers those of the CSV and the bars."""

from __future__ import annotations

import base64
import io
import json
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from rtybt.engine.commands.analogs import run_analogs
from rtybt.engine.report.analogs.page import SECTIONS, minus
from tests.engine.report.page_checks import assert_self_contained
from tests.engine.report.test_tearsheet import PNG_MAGIC, Collector
from tests.engine.results.test_provenance import INPUT_KEYS, MANIFEST_KEYS


@pytest.fixture(scope="module")
def result(tmp_path_factory, snapshot_dir):
    out = tmp_path_factory.mktemp("results")
    return run_analogs("RTY=F", "2025-05-08", data_dir=str(snapshot_dir), results_dir=out)


@pytest.fixture(scope="module")
def page(result) -> tuple[str, Collector]:
    text = (result.run_dir / "analogs.html").read_text(encoding="utf-8")
    parser = Collector()
    parser.feed(text)
    parser.close()
    return text, parser


def test_run_folder_is_named_by_symbol_date_and_run_id(result):
    assert result.run_dir.parent.name == "analogs"
    assert re.fullmatch(r"RTY=F-2025-05-08-\d{8}T\d{6}-[0-9a-f]{8}-[0-9a-f]{6}", result.run_dir.name)
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    # The provenance record every command writes (engine/results/provenance.py), the history file among its data.
    assert list(manifest) == MANIFEST_KEYS and list(manifest["inputs"][0]) == INPUT_KEYS
    history = next(d for d in manifest["inputs"][0]["data"] if d["role"] == "history")
    assert history["sha256"] == result.data["history"]["sha256"]
    assert manifest["versions"]["numpy"] == np.__version__
    assert set(manifest["files"]) == {"analogs.html", "analogs.json", "analogs.csv"}


def test_every_section_in_order_answer_and_score_first(page):
    text, parser = page
    assert parser.section_ids == [*SECTIONS, "how-we-judge"]  # every page ends with the standard
    assert text.index('id="answer"') < text.index("How much such answers are worth") < text.index('id="state"')


def test_self_contained_no_outside_scripts_or_links(page):
    text, parser = page
    assert_self_contained(text, parser)
    # Two charts: the fan, and the window up to the date (the print and no-script view of the interactive one).
    images = [attrs["src"] for tag, attrs in parser.tags if tag == "img"]
    assert len(images) == 2
    assert sum(attrs.get("class") == "no-script" for tag, attrs in parser.tags if tag == "figure") == 1
    for src in images:
        payload = base64.b64decode(src.removeprefix("data:image/png;base64,"), validate=True)
        assert payload.startswith(PNG_MAGIC)
        with Image.open(io.BytesIO(payload)) as img:
            img.verify()


def test_the_live_chart_shows_the_window_up_to_the_date_with_the_key_levels(result, page, snapshot_dir):
    text, _ = page
    data = json.loads(re.search(r'<script type="application/json" id="live-chart-data">(.*?)</script>', text,
                                flags=re.S).group(1))
    bars = data["daily"]["bars"]
    # No bar after the date (the answer reads none), and the bars are the file's.
    assert bars[-1]["time"] == str(result.bar_date) == data["zoom"][1]
    closes = pd.read_csv(snapshot_dir / "RTY=F.csv", index_col="Date", parse_dates=True)["Close"]
    assert bars[-1]["close"] == pytest.approx(closes.loc[str(result.bar_date)], abs=1e-4)
    assert data["daily"]["ma50"] and data["daily"]["ma200"]
    assert data["zoom"][0] < data["zoom"][1] and data["daily"]["bars"][0]["time"] <= data["zoom"][0]
    # Every key level of the date (the snapshot's zones) is a labelled price line, at its lower edge.
    labelled = {(lv["price"], lv["label"]) for lv in data["levels"] if lv["label"]}
    zones = [*result.snapshot.resistance, *result.snapshot.support]
    assert zones and len(labelled) == len(zones)
    for z in zones:
        assert any(price == z.low and label.startswith(z.kind) for price, label in labelled), z


def test_forward_returns_are_those_of_the_bars(result, snapshot_dir):
    bars = pd.read_csv(snapshot_dir / "^RUT.csv", index_col="Date", parse_dates=True)["Close"]
    table = pd.read_csv(result.run_dir / "analogs.csv")
    for _, row in table.iterrows():
        t = bars.index.get_loc(pd.Timestamp(row["date"]))
        for h in (5, 20, 60):
            assert row[f"fwd_{h}"] == pytest.approx(bars.iloc[t + h] / bars.iloc[t] - 1.0, rel=1e-9)
    h20 = next(h for h in result.answer.study.horizons if h.horizon == 20)
    assert h20.hit_rate == pytest.approx((table["fwd_20"] > 0).mean())
    assert h20.mean == pytest.approx(table["fwd_20"].mean())


def test_page_json_and_terminal_show_the_same_numbers(result, page):
    import html

    from rtybt.engine.report.analogs.text import render_analogs

    text, _ = page
    data = json.loads((result.run_dir / "analogs.json").read_text())
    lines = render_analogs(result)
    assert data["answer"] in lines and data["score_sentence"] in lines
    # the same sentences, in the page's Unicode minus (one format per unit; the JSON keeps the terminal's text)
    assert html.escape(minus(data["answer"])) in text and html.escape(minus(data["score_sentence"])) in text
    for x in result.answer.analogs:
        assert f"<td>{x.date}</td><td>{x.distance:.2f}</td>" in text


def test_the_analogs_final_call_is_the_snapshots_rules(result):
    # The same rules read on arrays (every analog) and by `rtybt snapshot` (the query) agree on the query's day.
    assert result.answer.calls == [c.bias for c in result.snapshot.calls] == ["Bullish", "Cautiously Bullish",
                                                                             "Neutral"]


def test_the_answer_leads_with_the_method_skill_when_it_has_none():
    from rtybt.engine.analysis.analogs.score import CallScore
    from rtybt.engine.report.analogs.page import skill_lead

    def call(skill, ci):
        return CallScore("q", 300, 150, 0.6, 0.55, (0.5, 0.6), 0.6, 0.25, (0.2, 0.3), 0.23, skill, ci)

    worse = skill_lead(call(-0.10, (-0.16, -0.03)), "the 20-session direction", 0.95)
    assert worse.startswith("The method did worse than the base rate on the 20-session direction")
    assert "(95% interval -0.16 to -0.03)" in worse
    assert skill_lead(call(0.01, (-0.02, 0.04)), "x", 0.95).startswith("The method has not beaten the base rate on x")
    assert skill_lead(call(0.05, (0.01, 0.09)), "x", 0.95) is None


def test_the_pages_answer_puts_skill_before_any_share(result):
    from rtybt.engine.report.analogs.page import answer_sentence

    text = answer_sentence(result)
    lead = result.score.direction
    if not (lead.skill_ci[0] is not None and lead.skill_ci[0] > 0):
        assert text.startswith("The method ") and text.index("base rate") < text.index("%")
    assert " of " in text and "interval" in text or "too few episodes" in text
