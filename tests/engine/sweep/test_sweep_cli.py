"""`rtybt sweep` through the CLI: the files it writes, its statistics, and one-line errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rtybt.engine.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def serial_sweep(sweep_config_path, tmp_path_factory):
    """One serial `rtybt sweep` of the small grid (heatmap and --json on), read by every test that needs one: its
    summary (stdout) and its run directory. The heatmap only adds its PNG; the table and reports are the same."""
    results = tmp_path_factory.mktemp("serial")
    result = runner.invoke(app, ["sweep", str(sweep_config_path), "--workers", "1", "--heatmap", "ma_period,hold_bars",
                                 "--set", f"output.dir={results}", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    (out,) = list((results / "small-sweep").iterdir())
    return summary, out


def test_sweep_writes_table_heatmap_report_and_statistics(serial_sweep):
    summary, out = serial_sweep
    names = sorted(p.name for p in out.iterdir())
    assert names == ["comparison.csv", "comparison.html", "comparison.json", "heatmap_ma_period_hold_bars.png",
                     "manifest.json", "sweep.csv", "sweep.json"]
    payload = json.loads((out / "sweep.json").read_text())
    assert payload["variants"] == 4 and len(payload["rows"]) == 4
    assert [row["rank"] for row in payload["rows"]] == [1, 2, 3, 4]
    stats = payload["statistics"]
    assert stats["trials"] == 4 and 0.0 <= stats["deflated_sharpe"]["deflated_sharpe"] <= 1.0
    assert 0.0 <= stats["pbo"]["pbo"] <= 1.0 and stats["pbo"]["splits"] == 12870
    assert summary["deflated_sharpe"] == stats["deflated_sharpe"]["deflated_sharpe"]
    html = (out / "comparison.html").read_text()
    assert "data:image/png;base64," in html and "deflated Sharpe ratio" in html
    assert len(json.loads((out / "comparison.json").read_text())["rows"]) == 3  # top: 3 in the config


def test_empty_grid_value_is_a_one_line_error(sweep_config_path, tmp_path):
    result = runner.invoke(app, ["sweep", str(sweep_config_path), "--grid", "hold_bars=", "--workers", "1"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "rtybt: error: --grid hold_bars: empty list of values (give at least one, e.g. hold_bars=20,30)"


def test_heatmap_axis_must_be_swept(sweep_config_path):
    result = runner.invoke(app, ["sweep", str(sweep_config_path), "--heatmap", "ma_period,rsi_min", "--workers", "1"])
    assert result.exit_code == 2
    assert "--heatmap rsi_min: not a swept parameter; swept: ma_period, hold_bars" in result.stderr


def test_best_variants_carry_the_event_study_edge_a_single_run_gives(sweep_config_path, serial_sweep, tmp_path):
    """The comparison report's edge columns for a swept variant equal what `rtybt run` of that variant writes."""
    from rtybt.engine.commands.run import execute_run

    _, out = serial_sweep
    rows = json.loads((out / "comparison.json").read_text())["rows"]
    assert len(rows) == 3
    for row in rows:
        params = dict(part.split("=") for part in row["params"].split(", "))
        run = execute_run(sweep_config_path, [f"strategy.params.{k}={v}" for k, v in params.items()]
                          + [f"output.dir={tmp_path / 'single'}"])
        study = json.loads((run.run_dir / "event_study.json").read_text())
        (h20,) = [h for h in study["horizons"] if h["horizon"] == 20]
        assert row["edge"] is not None
        # comparison.json keeps 10 decimals (pandas' to_json); the run's event_study.json keeps every digit.
        assert row["edge"] == pytest.approx(h20["excess_mean"], abs=1e-10)
        assert [row["edge_ci_low"], row["edge_ci_high"]] == pytest.approx(h20["excess_ci"], abs=1e-10)


def test_cluster_local_starts_and_stops_its_own_cluster_with_the_same_table(sweep_config_path, serial_sweep, tmp_path):
    summary, out = serial_sweep
    tables = {"serial": (summary["executor"], (out / "sweep.csv").read_text())}
    result = runner.invoke(app, ["sweep", str(sweep_config_path), "--cluster", "local", "--workers", "2", "--json",
                                 "--set", f"output.dir={tmp_path / 'dask'}"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    (out,) = list((tmp_path / "dask" / "small-sweep").iterdir())
    tables["dask"] = (summary["executor"], (out / "sweep.csv").read_text())
    assert tables["serial"][0] == "serial" and tables["dask"][0] == "dask (local, 2 workers)"
    assert tables["serial"][1] == tables["dask"][1]
