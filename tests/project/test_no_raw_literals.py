"""No raw Python value reaches a person: help screens, the main commands' terminal text, errors and the API's
reprs never show None, True, False, datetime.date(...), <list[str]> or {config}."""

from __future__ import annotations

import json
import re

import pytest
import typer.main
from typer.testing import CliRunner

import rtybt
from rtybt.engine.cli import app
from tests.conftest import REPO

SNAPSHOT = REPO / "data" / "snapshot"
RAW = re.compile(r"\b(None|True|False)\b|datetime\.|<list\[|<str>|<int\b|<float\b|<bool\b|\{config\}|\{file\}")
runner = CliRunner()


def raw_literals(text: str) -> list[str]:
    """Every line of `text` that shows a raw Python value."""
    return [line for line in text.splitlines() if RAW.search(line)]


def test_the_scan_finds_what_it_looks_for():
    shown = "params: stop_pct=None\n ok line\nma_stop=True\n[datetime.date(2020, 1, 2)]\n--set <list[str]>\nrun {config}"
    assert len(raw_literals(shown)) == 5
    assert raw_literals("stop_pct=off, ma_stop=on, 2020-01-02, --set KEY=VALUE, Nonexistent, Falsey") == []


def every_command_path() -> list[list[str]]:
    paths = []

    def walk(command, prefix):
        paths.append(prefix)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*prefix, name])

    walk(typer.main.get_command(app), [])
    return paths


@pytest.mark.parametrize("path", every_command_path(), ids=lambda p: " ".join(p) or "rtybt")
def test_every_help_screen(path):
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.stdout
    assert raw_literals(result.stdout) == []


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A short run (ready_to_rally: every kind of parameter, None and True defaults among them) and its folder."""
    root = tmp_path_factory.mktemp("literals")
    config = root / "small_rr.yaml"
    config.write_text(json.dumps({
        "name": "small_rr", "data": {"symbol": "^RUT", "start": "2015-01-01", "end": "2017-12-31", "dir": str(SNAPSHOT)},
        "strategy": {"name": "ready_to_rally"}, "output": {"dir": str(root / "results"), "tearsheet": False},
    }))
    return root, config


def cli_text(argv: list[str]) -> str:
    result = runner.invoke(app, [str(a) for a in argv])
    assert result.exit_code in (0, 2), result.output
    return result.output + (result.stderr if result.stderr_bytes is not None else "")


def test_the_main_commands_terminal_text(workspace, monkeypatch):
    monkeypatch.setenv("RTYBT_OFFLINE", "1")
    root, config = workspace
    texts = {
        "run": cli_text(["run", config]),
        "strategies": cli_text(["strategies"]),
        "strategies ready_to_rally": cli_text(["strategies", "ready_to_rally"]),
        "snapshot": cli_text(["snapshot", "--symbol", "RTY=F", "--date", "2025-05-08", "--data-dir", SNAPSHOT]),
        "analogs": cli_text(["analogs", "--symbol", "RTY=F", "--date", "2025-05-08", "--k", "5", "--data-dir", SNAPSHOT]),
        "sweep": cli_text(["sweep", config, "--grid", "hold_bars=2,3", "--grid", "swing_stop=true,false",
                           "--workers", "1"]),
        "compare": cli_text(["compare", config]),
        "data check": cli_text(["data", "check", "^RUT", "--data-dir", SNAPSHOT]),
        "errors": "\n".join(cli_text(argv) for argv in (
            ["snapshot", "--symbol", "RUT", "--data-dir", root], ["analogs", "--k", "0"],
            ["run", config, "--set", "strategy.params.ma_stop=maybe"], ["data", "check", "FOO", "--data-dir", root])),
    }
    assert "ma_stop=on" in texts["run"] and "stop_level=off" in texts["run"]  # the header really lists the params
    assert "hold_bars=3, swing_stop=off" in texts["sweep"]  # the variants really ran, a yes/no value among them
    assert "rtybt: error:" in texts["errors"]
    found = {name: raw_literals(text) for name, text in texts.items()}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_api_reprs(workspace, monkeypatch):
    monkeypatch.setenv("RTYBT_OFFLINE", "1")
    root, config = workspace
    run_dir = max((root / "results" / "small_rr").iterdir()) if (root / "results" / "small_rr").is_dir() else None
    result = rtybt.load_run(run_dir) if run_dir else rtybt.run(config)
    strategies = rtybt.list_strategies()
    snap = rtybt.snapshot("RTY=F", "2025-05-08", data_dir=SNAPSHOT)
    shown = {
        "BacktestResult": repr(result) + result._repr_html_(),
        "list_strategies": strategies.to_string() + strategies.to_html(),
        "list_strategies(file=...)": rtybt.list_strategies(file=REPO / "examples" / "my_strategies" / "pullback.py").to_string(),
        "SnapshotResult": repr(snap) + str(snap) + snap._repr_html_(),
    }
    assert "ma_stop=on" in shown["BacktestResult"]
    found = {name: raw_literals(text) for name, text in shown.items()}
    assert {name: lines for name, lines in found.items() if lines} == {}
