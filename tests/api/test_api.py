"""The public Python API (`import rtybt`): same flows and files as the CLI, exceptions not exits, notebook display."""

from __future__ import annotations

import inspect
import json
import sys
import types
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import rtybt
import rtybt.engine.api
from rtybt.engine.cli import app
from tests.conftest import REPO

CONFIG = {
    "name": "api_ma",
    "data": {"symbol": "^RUT", "start": "2012-01-01", "end": "2016-12-31"},
    "strategy": {"name": "ma_reclaim", "params": {"ma_period": 30}},
    "output": {"tearsheet": False},
}
# The same run without its equity chart (a second of every run), for the tests that never look at equity.png;
# the tests that compare the API's files with the CLI's, or that nothing is printed, keep it.
NO_PLOTS = {**CONFIG, "output": {"tearsheet": False, "plots": False}}


def undocumented(module) -> list[str]:
    """Names in `module.__all__` without a docstring of their own (a dataclass's generated signature is none),
    and public methods or properties of exported classes without one."""
    missing = []
    for name in module.__all__:
        obj = getattr(module, name)
        doc = inspect.getdoc(obj) or ""
        if not doc.strip() or doc.startswith(f"{name}(") or (not inspect.isclass(obj) and not callable(obj)):
            missing.append(name)
            continue
        if inspect.isclass(obj) and not issubclass(obj, BaseException):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or not (inspect.isfunction(member) or isinstance(member, property | classmethod)):
                    continue
                if not (inspect.getdoc(member) or "").strip():
                    missing.append(f"{name}.{attr}")
    return missing


def test_every_exported_name_has_a_docstring():
    assert rtybt.__all__ == rtybt.engine.api.__all__
    assert {"run", "compare", "sweep", "walkforward", "snapshot", "load_run", "list_strategies", "study", "analogs",
            "UserError"} <= set(rtybt.__all__)
    assert "strategies" not in rtybt.__all__  # the name is kept free for the package rtybt.strategies
    assert undocumented(rtybt) == []


def test_the_docstring_check_fails_on_an_undocumented_export():
    def helper():
        pass

    class Result:
        """Documented."""

        def plot(self):
            pass

    fake = types.SimpleNamespace(__all__=["helper", "Result", "VALUE"], helper=helper, Result=Result, VALUE=3)
    assert undocumented(fake) == ["helper", "Result.plot", "VALUE"]


def _files(run_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(run_dir.iterdir())}


def test_run_writes_what_the_cli_writes_and_returns_pandas(tmp_path):
    config_file = tmp_path / "api_ma.yaml"
    config_file.write_text(json.dumps(CONFIG))  # JSON is YAML
    out = tmp_path / "results"
    result = rtybt.run(config_file, overrides={"output.dir": str(out)})
    cli = CliRunner().invoke(app, ["run", str(config_file), "--set", f"output.dir={out}", "--json"])
    assert cli.exit_code == 0, cli.output
    cli_dir = Path(json.loads(cli.stdout)["run_dir"])
    mine, theirs = _files(result.run_dir), _files(cli_dir)
    assert sorted(mine) == sorted(theirs)
    for name in mine:
        if name != "manifest.json":  # its run id, times and command line differ
            assert mine[name] == theirs[name], name
    manifest = json.loads(mine["manifest.json"])
    assert manifest["command_line"][0] == "rtybt.run"
    assert manifest["inputs"] == json.loads(theirs["manifest.json"])["inputs"]  # config, strategy and data pinned alike

    metrics = json.loads(mine["metrics.json"])["strategy"]
    assert isinstance(result.metrics, pd.Series) and result.metrics["sharpe"] == metrics["sharpe"]
    assert result.metrics["trades"] == (result.trades["status"] == "closed").sum() > 0
    stored = pd.read_csv(result.run_dir / "returns.csv", index_col="date", parse_dates=["date"])
    assert isinstance(result.returns, pd.Series) and isinstance(result.equity, pd.Series)
    assert result.returns.to_numpy().tolist() == stored["returns"].to_numpy().tolist()
    assert list(result.setups.columns) == ["date"] and len(result.setups) >= metrics["trades"]
    assert result.tearsheet is None  # output.tearsheet is false, yet the run's analysis gives its answer
    from rtybt.engine.analysis.standard import STRATEGY_WORDS

    assert result.verdict.split(": ", 1)[0].lower() in STRATEGY_WORDS
    assert list(result.headline.columns) == ["strategy", "buy & hold ^RUT"]


@pytest.fixture(scope="session")
def dict_run(tmp_path_factory):
    """`rtybt.run(NO_PLOTS)`, once for the tests below that only read what it returned and wrote. Session scope,
    not module: a module-scoped fixture would tie this file's long tests to one xdist worker (tests/conftest.py)
    to save a one-second run; each worker runs it at most once instead."""
    return rtybt.run(NO_PLOTS, results_dir=tmp_path_factory.mktemp("dict_run"))


def test_a_dict_config_is_validated_like_a_file_and_runs_the_same(tmp_path, dict_run):
    from_dict = dict_run
    assert from_dict.config.name == "api_ma"
    config_file = tmp_path / "api_ma.yaml"
    config_file.write_text(json.dumps(NO_PLOTS))
    from_file = rtybt.run(config_file, results_dir=tmp_path)
    assert from_dict.config.config_hash() == from_file.config.config_hash()
    assert (from_dict.run_dir / "trades.csv").read_bytes() == (from_file.run_dir / "trades.csv").read_bytes()
    # Overrides as a mapping are the CLI's --set
    lower = rtybt.run(NO_PLOTS, overrides={"strategy.params.ma_period": 20, "data.end": "2014-12-31"},
                      results_dir=tmp_path)
    assert lower.config.strategy.params["ma_period"] == 20 and lower.metrics["end"] <= "2014-12-31"


def test_load_run_gives_back_the_same_objects(tmp_path, dict_run):
    result = dict_run
    loaded = rtybt.load_run(result.run_dir)
    pd.testing.assert_frame_equal(loaded.trades, result.trades, check_dtype=False)
    pd.testing.assert_series_equal(loaded.returns, result.returns, check_freq=False, check_names=False)
    pd.testing.assert_frame_equal(loaded.setups, result.setups)
    assert loaded.metrics.to_dict() == result.metrics.to_dict()
    with pytest.raises(rtybt.ResultsError, match="not a run directory"):
        rtybt.load_run(tmp_path / "nothing-here")


def _cli_error(args: list[str]) -> str:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    return result.stderr.strip().removeprefix("rtybt: error: ")


def test_bad_input_raises_the_clis_one_line_message(tmp_path, monkeypatch):
    bad = tmp_path / "bad.yaml"
    bad.write_text(json.dumps({**CONFIG, "strategy": {"name": "ma_reclaim", "params": {"ma_perod": 30}}}))
    cli = {"run": _cli_error(["run", str(bad)]), "snapshot": _cli_error(["snapshot", "--date", "1950-01-02"]),
           "sweep": _cli_error(["sweep", str(bad.with_name("missing.yaml")), "--grid", "ma_period=20"])}

    def refuse(*args):
        raise AssertionError(f"the API called sys.exit{args}")

    monkeypatch.setattr(sys, "exit", refuse)
    with pytest.raises(rtybt.ConfigError) as caught:
        rtybt.run(bad)
    assert str(caught.value) == cli["run"]
    assert "strategy.params.ma_perod: unknown parameter of ma_reclaim (did you mean 'ma_period'?)" in str(caught.value)

    with pytest.raises(rtybt.ConfigError, match=r"^config dict: strategy.params.ma_period: must be >= 2 bars"):
        rtybt.run({**CONFIG, "strategy": {"name": "ma_reclaim", "params": {"ma_period": 1}}})
    with pytest.raises(rtybt.UserError) as caught:
        rtybt.snapshot("^RUT", "1950-01-02")
    # The CLI's message, naming the argument the caller passed where the CLI names its flag
    assert "--date 1950-01-02 is outside the data" in cli["snapshot"]
    assert str(caught.value) == cli["snapshot"].replace("--date 1950-01-02", "date 1950-01-02")
    with pytest.raises(rtybt.ConfigError) as caught:
        rtybt.sweep(bad.with_name("missing.yaml"), grid={"ma_period": [20]})
    assert str(caught.value) == cli["sweep"]
    with pytest.raises(rtybt.ConfigError, match="nothing to sweep"):
        rtybt.sweep(CONFIG, results_dir=tmp_path)
    with pytest.raises(rtybt.ConfigError, match=r"sweep.grid.ma_perod: unknown parameter"):
        rtybt.walkforward(CONFIG, grid={"ma_perod": [20, 30]}, results_dir=tmp_path)
    with pytest.raises(rtybt.ConfigError, match="compare needs at least one config"):
        rtybt.compare([])
    with pytest.raises(rtybt.StrategyError, match="did you mean 'ma_reclaim'"):
        rtybt.list_strategies("ma_reclam")
    with pytest.raises(rtybt.ConfigError, match="expected a path to a YAML file or a mapping"):
        rtybt.run(42)
    assert not any(tmp_path.rglob("manifest.json"))
    assert all(issubclass(e, rtybt.UserError) for e in (rtybt.ConfigError, rtybt.DataError, rtybt.StrategyError,
                                                         rtybt.ResultsError))


def test_nothing_is_printed(tmp_path, capfd):
    result = rtybt.run(CONFIG, results_dir=tmp_path)
    rtybt.sweep(CONFIG, grid={"ma_period": [20, 30]}, workers=1, top=1, results_dir=tmp_path)
    rtybt.snapshot("^RUT", "2016-06-01")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    assert result.run_dir.is_dir()


def test_notebook_display_and_figures_write_nothing(tmp_path):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    result = rtybt.run({**CONFIG, "output": {"tearsheet": True, "plots": False}}, results_dir=tmp_path)
    stored = json.loads((result.run_dir / "report.json").read_text())["verdict"]
    assert result.verdict == stored and result.tearsheet == result.run_dir / "tearsheet.html"
    html = result._repr_html_()
    from rtybt.engine.report.html import esc

    assert esc(result.verdict) in html and "tearsheet.html" in html
    assert f"<td>{result.headline.loc['Sharpe', 'strategy']}</td>" in html
    before = sorted(p.name for p in result.run_dir.iterdir())
    chart, whole, equity = result.plot_note_chart(), result.plot_note_chart(zoom=False), result.plot_equity()
    assert all(isinstance(f, Figure) for f in (chart, whole, equity))
    # The tearsheet's chart: the zoom window ends on the last bar and spans report.zoom_months (12).
    last = result.bars.index[-1]
    first = last - pd.DateOffset(months=12)
    assert len(chart.axes) == 2
    assert chart.axes[0].get_title(loc="left").endswith(f"{first:%Y-%m-%d} to {last:%Y-%m-%d}")
    assert whole.axes[0].get_title(loc="left").endswith("whole history")
    assert plt.get_fignums() == []  # detached: a notebook shows each figure once, as the cell's value
    assert sorted(p.name for p in result.run_dir.iterdir()) == before


@pytest.mark.slow
def test_compare_sweep_walkforward_snapshot_list_strategies(tmp_path):
    other = {**NO_PLOTS, "name": "api_ma_20", "strategy": {"name": "ma_reclaim", "params": {"ma_period": 20}}}
    compared = rtybt.compare([NO_PLOTS, other], results_dir=tmp_path)
    assert sorted(compared.table["label"]) == ["api_ma", "api_ma_20"] and compared.report.is_file()
    assert "<table>" in compared._repr_html_()

    swept = rtybt.sweep(NO_PLOTS, grid={"ma_period": [20, 30, 40], "hold_bars": [2, 3]}, workers=1, top=2,
                        results_dir=tmp_path, heatmap="ma_period,hold_bars")
    cli_table = pd.read_csv(swept.run_dir / "sweep.csv")
    assert swept.table["label"].tolist() == cli_table["label"].tolist()
    assert swept.table["rank"].tolist() == [1, 2, 3, 4, 5, 6] and swept.best == cli_table["label"].iloc[0]
    assert set(swept.returns.columns) == set(swept.table["config_hash"])
    assert "deflated Sharpe ratio" in swept._repr_html_()
    heat = swept.plot_heatmap("ma_period", "hold_bars")
    assert heat.axes[0].get_xlabel() == "ma_period" and len(heat.axes[0].texts) == 6
    assert sorted(p.name for p in swept.run_dir.glob("*.png")) == ["heatmap_ma_period_hold_bars.png"]
    with pytest.raises(rtybt.ConfigError, match="heatmap stop_pct: not a swept parameter"):
        swept.plot_heatmap("ma_period", "stop_pct")

    walked = rtybt.walkforward(NO_PLOTS, grid={"ma_period": [20, 40]}, workers=1, results_dir=tmp_path,
                               overrides={"walkforward": {"train_bars": 500, "test_bars": 250}})
    assert len(walked.windows) == walked.summary["windows"] >= 2
    assert walked.oos_returns.index.equals(walked.oos_equity.index) and len(walked.oos_returns) > 0
    assert walked.plot_equity().axes[0].get_title(loc="left").startswith("api_ma: walk-forward out-of-sample equity")

    snap = rtybt.snapshot("RTY=F", "2025-05-08", data_dir=REPO / "data" / "snapshot")
    assert snap.data["bar_date"] == "2025-05-08" and str(snap).startswith("RTY=F on 2025-05-08")
    assert [c["bias"] for c in snap.data["final_call"]] == ["Bullish", "Cautiously Bullish", "Neutral"]

    table = rtybt.list_strategies()
    assert ("ma_reclaim", "ma_period") in table.index and table.loc[("ma_reclaim", "ma_period"), "default"] == 50
    mine = rtybt.list_strategies(file=REPO / "examples" / "my_strategies" / "pullback.py")
    assert list(mine.index) == [("pullback", "trend_period"), ("pullback", "down_closes"), ("pullback", "hold_bars")]


def test_study_returns_what_the_cli_writes(tmp_path):
    from tests.engine.study.conftest import STUDY_YAML

    config = tmp_path / "small.yaml"
    config.write_text(STUDY_YAML)
    studied = rtybt.study(config, symbols=["IWM", "SPY"], workers=1, results_dir=tmp_path)
    stored = json.loads((studied.run_dir / "study.json").read_text())
    assert studied.verdict == stored["verdict"] and studied.report.is_file()
    assert studied.markets["symbol"].tolist() == ["^RUT", "IWM", "SPY"]
    assert studied.markets["excess_mean"].tolist() == [m["excess_mean"] for m in stored["markets"]]
    assert sorted(studied.pooled["horizon"]) == [5, 10, 20, 60]
    assert len(studied.setups) > 0 and {"symbol", "date"} <= set(studied.setups.columns)
    shown = studied._repr_html_()
    assert shown.index(studied.verdict.replace("'", "&#x27;")) < shown.index("<table>") and "SPY" in shown
    assert "[" not in shown.split("<table>")[1]  # intervals read as text, never as a Python list


def test_analogs_returns_what_the_cli_writes(tmp_path, recent_snapshot_dir):
    # What the API returns against what it wrote, not the analogs' numbers: the snapshot's recent years suffice.
    found = rtybt.analogs("RTY=F", "2025-05-08", k=5, data_dir=recent_snapshot_dir, results_dir=tmp_path)
    assert str(found.bar_date) == "2025-05-08" and found.report.is_file()
    stored = pd.read_csv(found.run_dir / "analogs.csv")
    assert found.analogs["rank"].tolist() == stored["rank"].tolist() == [1, 2, 3, 4, 5]
    assert found.analogs["fwd_60"].tolist() == pytest.approx(stored["fwd_60"].tolist(), rel=1e-9, nan_ok=True)
    assert found.analogs["fwd_60"].notna().any()  # the comparison above held numbers, not only blanks
    assert found.data == json.loads((found.run_dir / "analogs.json").read_text())
    assert str(found).startswith("RTY=F on 2025-05-08: 5 analogs in ^RUT")
    assert found.answer == found.data["answer"] and found.score["sentence"] == found.data["score_sentence"]
    shown = found._repr_html_()
    assert found.answer.replace("'", "&#x27;") in shown and shown.count("<tr>") >= 6
