"""One provenance record for every command that writes results, and readers that refuse a changed run."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from rtybt.engine.core.errors import ResultsError
from rtybt.engine.results.provenance import library_versions
from tests.hardening.cli_harness import CliOutcome, run_cli

CONFIG = """
data: {symbol: ^RUT, start: 2012-01-01, end: 2016-12-31}
strategy: {name: ma_reclaim, params: {ma_period: 30, hold_bars: 2}}
walkforward: {train_bars: 250, test_bars: 250}
"""
MANIFEST_KEYS = ["schema", "command", "run_id", "command_line", "started_utc", "finished_utc", "versions", "inputs",
                 "details", "files"]
INPUT_KEYS = ["config_path", "name", "config_hash", "strategy", "strategy_source_sha256", "code_version", "data_dir",
              "data"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def config_path(tmp_path, snapshot_dir):
    path = tmp_path / "prov.yaml"
    path.write_text(CONFIG + f"output: {{dir: {tmp_path / 'results'}, plots: false, tearsheet: false}}\n")
    return path


def _run(config_path, tmp_path):
    from rtybt.engine.commands.run import execute_run

    return execute_run(config_path, command_line=["rtybt", "run", str(config_path)]).run_dir


def _compare(config_path, tmp_path):
    from rtybt.engine.commands.compare import execute_compare

    return execute_compare([str(config_path)], command_line=["rtybt", "compare", str(config_path)]).run_dir


def _sweep(config_path, tmp_path):
    from rtybt.engine.commands.sweep import execute_sweep

    return execute_sweep(config_path, grid_options=["ma_period=20,30"], top=1,
                         command_line=["rtybt", "sweep", str(config_path)]).run_dir


def _walkforward(config_path, tmp_path):
    from rtybt.engine.commands.walkforward import execute_walkforward

    return execute_walkforward(config_path, grid_options=["ma_period=20,30"],
                               command_line=["rtybt", "walkforward", str(config_path)]).run_dir


def _regress(config_path, tmp_path):
    from rtybt.engine.commands.regress import run_regress
    from rtybt.engine.regress.render import write_report

    report = run_regress([str(config_path)], update=True, baselines_dir=tmp_path / "baselines", jobs=1)
    return write_report(report, tmp_path / "results", command_line=["rtybt", "regress", str(config_path)])


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "walkforward", "regress"])
def test_every_command_writes_the_same_provenance_record(command, config_path, tmp_path, snapshot_dir):
    run_dir = globals()[f"_{command}"](config_path, tmp_path)
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert list(manifest) == MANIFEST_KEYS
    assert manifest["command"] == command and manifest["run_id"] == run_dir.name and manifest["schema"] == 2
    assert manifest["command_line"] == ["rtybt", command, str(config_path)]
    assert manifest["started_utc"] <= manifest["finished_utc"]
    assert manifest["versions"] == library_versions()
    (entry,) = manifest["inputs"]
    assert list(entry) == INPUT_KEYS
    assert entry["config_path"] == str(config_path) and entry["name"] == "prov" and entry["strategy"] == "ma_reclaim"
    from rtybt.engine.config import load_config
    from rtybt.engine.results.provenance import strategy_source_sha

    config = load_config(config_path)
    assert entry["config_hash"] == config.config_hash()
    assert entry["strategy_source_sha256"] == strategy_source_sha(config)
    assert entry["data_dir"] == str(snapshot_dir)
    (data,) = entry["data"]  # the benchmark is the traded symbol: read once
    assert (data["role"], data["symbol"], data["file"]) == ("traded", "^RUT", str(snapshot_dir / "^RUT.csv"))
    assert data["sha256"] == sha(snapshot_dir / "^RUT.csv")
    assert (data["first_date"], data["last_date"]) == ("2012-01-03", "2016-12-30")
    # Every other file of the directory, and nothing else, with its checksum.
    written = {p.relative_to(run_dir).as_posix(): sha(p) for p in run_dir.rglob("*")
               if p.is_file() and p.name != "manifest.json"}
    assert manifest["files"] == written and len(written) >= 2


@pytest.fixture(scope="module")
def one_run(tmp_path_factory, snapshot_dir) -> Path:
    """`rtybt run` of the config once per module; each test below damages or renders its own copy."""
    root = tmp_path_factory.mktemp("one_run")
    path = root / "prov.yaml"
    path.write_text(CONFIG + f"output: {{dir: {root / 'results'}, plots: false, tearsheet: false}}\n")
    return _run(path, root)


@pytest.fixture
def stored_run(one_run, config_path, tmp_path) -> Path:
    """The run, byte for byte, where `config_path`'s own run would be (results/prov/<run id>/)."""
    run_dir = tmp_path / "results" / "prov" / one_run.name
    shutil.copytree(one_run, run_dir)
    return run_dir


def _report(run_dir: Path) -> CliOutcome:
    """`rtybt report` through the console script's entry point (engine.cli.main), its exit code and stderr."""
    return run_cli(["report", str(run_dir)])


def test_report_refuses_a_truncated_trades_csv(stored_run):
    path = stored_run / "trades.csv"
    text = path.read_text()
    cut = text.index("\n", len(text) // 2) + 20  # mid-line, as an interrupted copy leaves it
    path.write_text(text[:cut])
    proc = _report(stored_run)
    assert proc.code == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert f"{path}: changed since the run wrote it" in proc.stderr
    assert not (stored_run / "tearsheet.html").exists()


def test_report_refuses_a_modified_metrics_json(stored_run):
    from rtybt.engine.commands.report import rerender

    path = stored_run / "metrics.json"
    metrics = json.loads(path.read_text())
    metrics["strategy"]["trades"] += 1
    path.write_text(json.dumps(metrics, indent=2) + "\n")
    with pytest.raises(ResultsError, match="metrics.json: changed since the run wrote it"):
        rerender(stored_run)


def test_report_refuses_a_manifest_without_checksums(stored_run):
    from rtybt.engine.commands.report import rerender

    manifest = json.loads((stored_run / "manifest.json").read_text())
    del manifest["files"]
    (stored_run / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ResultsError, match="not a provenance record with `inputs` and `files`"):
        rerender(stored_run)


def test_a_report_rendered_later_is_added_to_the_manifest(stored_run):
    from rtybt.engine.commands.report import rerender
    from rtybt.engine.results.provenance import read_manifest, verify_files

    before = read_manifest(stored_run)
    assert before["details"]["rendered"] == []  # written with output.tearsheet off
    rerender(stored_run)
    after = read_manifest(stored_run)
    assert "tearsheet.html" in after["details"]["rendered"]
    assert after["files"]["tearsheet.html"] == sha(stored_run / "tearsheet.html")
    assert {k: after["files"][k] for k in before["files"]} == before["files"]
    verify_files(stored_run, after)
    # Rendering again with the same code changes nothing, the manifest included.
    manifest_bytes = (stored_run / "manifest.json").read_bytes()
    rerender(stored_run)
    assert (stored_run / "manifest.json").read_bytes() == manifest_bytes


def test_compare_runs_again_instead_of_reusing_a_damaged_stored_run(stored_run, config_path):
    from rtybt.engine.commands.compare import execute_compare
    from rtybt.engine.core.verify import StoreNote

    again = execute_compare([str(config_path)])
    assert again.table["source"].iloc[0] == f"reused: {stored_run}"
    with (stored_run / "returns.csv").open("a") as fh:
        fh.write("2099-01-01,0.5,1.0\n")
    with pytest.warns(StoreNote, match=r"stored run .*: does not verify \(.*returns.csv: changed since the run"):
        fresh = execute_compare([str(config_path)])
    assert fresh.table["source"].iloc[0].startswith("run now: ")
    assert fresh.table["cagr"].iloc[0] == again.table["cagr"].iloc[0]


def test_the_resolved_config_alone_runs_again(tmp_path, monkeypatch, snapshot_dir):
    # The config points at a folder that does not exist; --data-dir gives the real one. The resolved
    # config.yaml must name the folder actually read, so that it runs on its own (no flag, no env).
    data = tmp_path / "mine"
    data.mkdir()
    frame = (snapshot_dir / "IWM.csv").read_text().splitlines()
    (data / "XYZ.csv").write_text("\n".join(frame[:1500]) + "\n")
    config = tmp_path / "own.yaml"
    config.write_text("data: {symbol: XYZ, dir: nowhere}\nstrategy: {name: ma_reclaim}\nbroker: {instrument: etf}\n"
                      f"output: {{dir: {tmp_path / 'results'}, plots: false, tearsheet: false}}\n")
    monkeypatch.delenv("RTYBT_DATA_DIR", raising=False)
    from rtybt.engine.commands.run import execute_run

    first = execute_run(config, data_dir=str(data)).run_dir
    resolved = first / "config.yaml"
    assert yaml.safe_load(resolved.read_text())["data"]["dir"] == str(data)
    shutil.copy(resolved, tmp_path / "own.yaml")  # same stem, so the same run name
    second = execute_run(tmp_path / "own.yaml").run_dir
    for name in ("trades.csv", "returns.csv", "metrics.json", "config.yaml"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    m1, m2 = (json.loads((d / "manifest.json").read_text()) for d in (first, second))
    assert m1["inputs"][0]["config_hash"] == m2["inputs"][0]["config_hash"]
    assert m1["files"] == m2["files"]


@pytest.mark.parametrize("payload", [
    "[1, 2]", "{}", '{"inputs": [], "details": {}, "files": {}}',
    '{"inputs": [{}], "details": {}, "files": {"../../etc/passwd": "x"}}',
    '{"inputs": [{}], "details": {}, "files": {"a.csv": 3}}', "{not json",
])
def test_anything_but_a_provenance_record_is_one_line(tmp_path, payload):
    from rtybt.engine.results.provenance import read_manifest

    (tmp_path / "manifest.json").write_text(payload)
    with pytest.raises(ResultsError) as err:
        read_manifest(tmp_path)
    assert str(err.value).startswith(f"{tmp_path / 'manifest.json'}: ") and "\n" not in str(err.value)
