"""`rtybt compare`: runs or reuses each config, ranks within comparable groups, writes HTML/JSON/CSV."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rtybt.engine.cli import app
from rtybt.engine.commands.compare import execute_compare

COMMON = "benchmark: {enabled: true}\noutput: {plots: false, tearsheet: false}\n"


@pytest.fixture(scope="module")
def configs(tmp_path_factory, snapshot_dir):
    folder = tmp_path_factory.mktemp("compare")
    texts = {
        "fast": "data: {symbol: ^RUT, start: 2015-01-01, end: 2016-12-31}\n"
                "strategy: {name: ma_reclaim, params: {ma_period: 10, hold_bars: 1}}\n",
        "slow": "data: {symbol: ^RUT, start: 2015-01-01, end: 2016-12-31}\n"
                "strategy: {name: ma_reclaim, params: {ma_period: 40, hold_bars: 3}}\n",
        "etf": "data: {symbol: IWM, start: 2015-01-01, end: 2016-12-31}\n"
               "strategy: {name: ma_reclaim, params: {ma_period: 10, hold_bars: 1}}\nbroker: {instrument: etf}\n",
    }
    paths = {}
    for name, text in texts.items():
        paths[name] = folder / f"{name}.yaml"
        paths[name].write_text(text + COMMON)
    return paths, folder / "results"


@pytest.fixture(scope="module")
def first(configs):
    paths, results = configs
    return execute_compare([str(paths[k]) for k in ("fast", "slow", "etf")], results_dir=str(results))


def test_runs_then_reuses_stored_runs_with_identical_numbers(configs, first):
    paths, results = configs
    assert all(s.startswith("run now:") for s in first.table["source"])
    again = execute_compare([str(paths[k]) for k in ("fast", "slow", "etf")], results_dir=str(results))
    assert all(s.startswith("reused:") for s in again.table["source"])
    cols = ["label", "cagr", "sharpe", "max_drawdown", "trades", "rank", "edge", "edge_ci_low", "edge_ci_high"]
    assert again.table[cols].to_dict("records") == first.table[cols].to_dict("records")
    assert first.table["edge"].notna().all()  # the runs wrote no tearsheet, yet their analysis gives the edge
    # A changed parameter is a different config hash: it is run, not reused.
    changed = execute_compare([str(paths["fast"])], ["strategy.params.hold_bars=2"], results_dir=str(results))
    assert changed.table["source"][0].startswith("run now:")


def test_different_instruments_are_flagged_and_ranked_apart(first):
    table = first.table.set_index("label")
    assert table.loc["etf", "group"] != table.loc["fast", "group"] == table.loc["slow", "group"]
    assert table.loc["etf", "rank"] == 1 and "IWM" in table.loc["etf", "flag"]
    ranks = table.loc[["fast", "slow"], "rank"].to_dict()
    better = "fast" if table.loc["fast", "sharpe"] > table.loc["slow", "sharpe"] else "slow"
    assert ranks[better] == 1 and sorted(ranks.values()) == [1, 2]


def test_report_files(first):
    names = sorted(p.name for p in first.run_dir.iterdir())
    assert names == ["comparison.csv", "comparison.html", "comparison.json", "manifest.json"]
    html = (first.run_dir / "comparison.html").read_text()
    assert "not ranked together" in html and "data:image/png;base64," in html and "event-study edge" in html
    rows = json.loads((first.run_dir / "comparison.json").read_text())["rows"]
    assert {r["label"] for r in rows} == {"fast", "slow", "etf"}


def test_unknown_metric_is_a_one_line_error(configs):
    paths, _ = configs
    result = CliRunner().invoke(app, ["compare", str(paths["fast"]), "--metric", "luck"])
    assert result.exit_code == 2
    assert result.stderr.startswith("rtybt: error: --metric 'luck': unknown metric")


def test_the_edge_is_the_runs_own_event_study_at_the_verdict_horizon(configs, first, tmp_path):
    from rtybt.engine.commands.run import execute_run

    paths, _ = configs
    run = execute_run(paths["fast"], ["output.tearsheet=true"], results_dir=str(tmp_path))
    (h20,) = [h for h in json.loads((run.run_dir / "event_study.json").read_text())["horizons"] if h["horizon"] == 20]
    expected = {"edge": h20["excess_mean"], "edge_ci_low": h20["excess_ci"][0], "edge_ci_high": h20["excess_ci"][1]}
    assert run.analysis.edge == expected and expected["edge"] is not None
    row = first.table.set_index("label").loc["fast"]
    assert {key: row[key] for key in expected} == expected
