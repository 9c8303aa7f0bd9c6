"""`rtybt analogs`: the note's date answered with a page, JSON and CSV; future bars change nothing; bad input exits 2."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from rtybt.engine.cli import app
from rtybt.engine.commands.analogs import run_analogs
from rtybt.engine.report.analogs.page import minus
from tests.conftest import error_lines

runner = CliRunner()
ARGS = ["analogs", "--symbol", "RTY=F", "--date", "2025-05-08"]


def test_the_notes_date_writes_page_json_and_csv(snapshot_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [*ARGS, "--data-dir", str(snapshot_dir)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("RTY=F on 2025-05-08: 20 analogs in ^RUT (1987-09-10 to 2025-05-08")
    assert "Final Call: Short-term Bullish, Medium Cautiously Bullish, Long-term Neutral" in out
    assert "Method score (walk-forward, past data only):" in out and "Analogs have" in out
    run_dir = next((tmp_path / "results" / "analogs").glob("RTY=F-2025-05-08-*"))
    assert out.rstrip().endswith(f"results: {run_dir.relative_to(tmp_path)}")
    assert {p.name for p in run_dir.iterdir()} == {"analogs.html", "analogs.json", "analogs.csv", "manifest.json"}
    page = (run_dir / "analogs.html").read_text()
    data = json.loads((run_dir / "analogs.json").read_text())
    table = pd.read_csv(run_dir / "analogs.csv")
    assert len(data["analogs"]) == len(table) == 20
    assert table["date"].tolist() == [a["date"] for a in data["analogs"]]
    assert all(d < "2025-05-08" for d in table["date"])
    # one per episode: no two analogs closer than the horizon (60 sessions; > 60 calendar days apart at least)
    days = pd.to_datetime(table["date"]).sort_values()
    assert days.diff().dropna().min() > pd.Timedelta(days=60)
    assert html.escape(minus(data["score_sentence"])) in page and html.escape(minus(data["answer"])) in page
    # Scripts only inline (the interactive chart): none loaded from anywhere, no address before the first table.
    assert "<script src" not in page
    words = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)
    assert "http" not in words.split("</style>", 1)[1].split("<table", 1)[0]
    # the fan chart and the window up to the date (the live chart's print view), each at the page's and a phone's width
    assert page.count("data:image/png;base64,") == 4
    # the same numbers on the terminal and the page
    assert data["answer"] in out.replace("\n", " ")


def test_json_matches_the_page_run_and_is_reproducible(snapshot_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = runner.invoke(app, [*ARGS, "--data-dir", str(snapshot_dir), "--json"])
    second = runner.invoke(app, [*ARGS, "--data-dir", str(snapshot_dir), "--json"])  # walk-forward from the cache
    assert first.exit_code == 0 and second.exit_code == 0, first.output
    a, b = json.loads(first.output), json.loads(second.output)
    assert a.pop("run_dir") != b.pop("run_dir")
    assert a == b
    assert a["bar_date"] == "2025-05-08" and a["history"] == "^RUT" and a["settings"]["k"] == 20
    assert [c["bias"] for c in a["state"]["final_call"]] == ["Bullish", "Cautiously Bullish", "Neutral"]
    assert a["score"]["direction"]["month_ends"] > 250
    assert list((tmp_path / "results" / "analogs" / ".cache").glob("walkforward-*.csv"))


def test_quiet_prints_the_answer_the_score_and_the_folder(snapshot_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["-q", "analogs", "--date", "1990-03-01", "--data-dir", str(snapshot_dir)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 3 and lines[2].startswith("results: results/analogs/^RUT-1990-03-01-")
    # Early in the history fewer episodes fit than asked, and no month-end can be scored yet: both said.
    assert "(only 4 episodes fit before the date, of the 20 asked)" in lines[0]
    assert lines[1] == ("Analogs cannot be scored on ^RUT yet: no month-end from 2000-01 on had its outcome known "
                        "before 1990-03-01.")


def _copy_with_future_changed(src, dst, symbol: str, after: str, change: bool) -> None:
    frame = pd.read_csv(src / f"{symbol}.csv")
    if change:
        later = frame["Date"] > after
        ramp = np.linspace(1.0, 0.6, later.sum())
        for col in ("Open", "High", "Low", "Close"):
            frame.loc[later, col] = frame.loc[later, col] * ramp
    frame.to_csv(dst / f"{symbol}.csv", index=False)


def test_changing_bars_after_the_date_changes_nothing_in_the_answer(snapshot_dir, tmp_path):
    facts = []
    for change in (False, True):
        folder = tmp_path / ("changed" if change else "same")
        folder.mkdir()
        _copy_with_future_changed(snapshot_dir, folder, "^RUT", "2019-06-28", change)
        result = run_analogs("^RUT", "2019-06-28", k=10, horizon=40, data_dir=str(folder),
                             results_dir=tmp_path / f"results-{change}", write=False)
        d = result.to_dict()
        assert d.pop("data")["history"]["sha256"]
        facts.append(d)
    assert facts[0] == facts[1]
    assert facts[0]["score"]["until"] < "2019-06-28"


@pytest.mark.parametrize(("args", "message"), [
    (["--symbol", "NOPE"], "--symbol NOPE: no bars"),
    (["--history", "NOPE"], "--history NOPE: no bars"),
    (["--date", "2030-01-01"], "is outside the data"),
    (["--k", "0"], "--k 0: the number of analogs must be at least 1"),
    (["--horizon", "20000"], "--horizon 20000: no past state of the history"),
    (["--horizon", "0"], "--horizon 0: the forward window must be at least 1 session"),
    (["--date", "2018-06-01"], "RTY=F.csv: only 227 bars up to 2018-06-01; the state needs 253"),
])
def test_bad_input_is_one_line_and_exit_2(snapshot_dir, tmp_path, args, message):
    base = {"--symbol": "RTY=F", "--date": "2025-05-08"}
    flags = dict(zip(args[::2], args[1::2], strict=True))
    argv = [a for k, v in (base | flags).items() for a in (k, v)]
    data = tmp_path / "data"
    shutil.copytree(snapshot_dir, data)
    proc = subprocess.run([sys.executable, "-m", "rtybt.engine.cli", "analogs", *argv, "--data-dir", str(data)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert message in error_lines(proc.stderr)[0], proc.stderr
    assert not (tmp_path / "results" / "analogs").exists() or not any(
        p for p in (tmp_path / "results" / "analogs").iterdir() if not p.name.startswith("."))


def test_the_walk_forward_is_computed_once_per_data_and_parameters(recent_snapshot_dir, tmp_path):
    # The cache's rules, not the whole history's numbers: the snapshot's bars from 2017 on (84 month-ends scored
    # on 2025-05-08, a third of the work).
    snapshot_dir = recent_snapshot_dir
    first = run_analogs("RTY=F", "2025-05-08", data_dir=str(snapshot_dir), results_dir=tmp_path, write=False)
    again = run_analogs("RTY=F", "2024-05-08", data_dir=str(snapshot_dir), results_dir=tmp_path, write=False)
    other_k = run_analogs("RTY=F", "2025-05-08", k=10, data_dir=str(snapshot_dir), results_dir=tmp_path, write=False)
    assert again.score.direction.month_ends > 50  # rows enough for the comparisons below to mean something
    assert first.score_source == "computed" and other_k.score_source == "computed"
    assert again.score_source.startswith("cache walkforward-")
    cached = tmp_path / "analogs" / ".cache" / again.score_source.removeprefix("cache ")
    cached.write_text("not,the\nrows,\n")
    rebuilt = run_analogs("RTY=F", "2024-05-08", data_dir=str(snapshot_dir), results_dir=tmp_path, write=False)
    assert rebuilt.score_source == "computed" and rebuilt.score == again.score
    assert len(list((tmp_path / "analogs" / ".cache").glob("walkforward-*.csv"))) == 2
    # The cached rows score a date exactly as fresh rows do.
    fresh = run_analogs("RTY=F", "2024-05-08", data_dir=str(snapshot_dir), results_dir=None, write=False)
    assert fresh.score_source == "computed" and fresh.score == again.score
    assert again.score.until < first.score.until
