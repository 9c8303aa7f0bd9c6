"""`rtybt strategies`: every registered strategy with its parameters, read from the registry."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from rtybt.engine.cli import app
from rtybt.engine.commands.strategies import strategy_catalog
from rtybt.engine.core.errors import StrategyError
from rtybt.engine.report.strategies_text import render_catalog
from rtybt.strategies import STRATEGIES
from rtybt.strategies.params import Param

runner = CliRunner()


def test_lists_every_registered_strategy_with_each_parameter():
    result = runner.invoke(app, ["strategies"])
    assert result.exit_code == 0, result.output
    # one block per strategy: several strategies share parameter names (rsi_min, pivot_bars, ...)
    blocks = {b.splitlines()[0]: b for b in result.output.strip().split("\n\n")}
    for name, cls in STRATEGIES.items():
        assert f"\n{name}\n" in f"\n{result.output}"
        for p in cls.spec:
            row = next(line for line in blocks[name].splitlines() if line.strip().startswith(p.name + " "))
            assert p.unit in row and p.help in row


def test_json_holds_defaults_units_ranges_and_the_notes_sentence():
    result = runner.invoke(app, ["strategies", "--json"])
    entries = {e["name"]: e for e in json.loads(result.output)}
    assert set(entries) == set(STRATEGIES)
    for name, cls in STRATEGIES.items():
        assert entries[name]["note"] == cls.note
        assert [(p["name"], p["default"], p["unit"], p["min"], p["max"]) for p in entries[name]["params"]] == [
            (p.name, p.default, p.unit, p.min, p.max) for p in cls.spec
        ]


def test_one_strategy_shows_its_rules():
    result = runner.invoke(app, ["strategies", "ma_reclaim"])
    assert result.exit_code == 0
    assert result.output.startswith("ma_reclaim\n")
    assert "closing above it for multiple sessions" in result.output
    assert "Entry:" in result.output  # the docstring's rule section, only in the one-strategy view
    assert "2 .. 1000" in result.output  # ma_period's allowed range


def test_unknown_name_suggests_the_closest_and_exits_2():
    with pytest.raises(StrategyError, match=r"unknown strategy 'ma_reclam' \(did you mean 'ma_reclaim'\?\)"):
        strategy_catalog("ma_reclam")
    proc = subprocess.run([sys.executable, "-m", "rtybt.engine.cli", "strategies", "ma_reclam"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "did you mean 'ma_reclaim'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_strategy_registered_later_is_listed_without_any_change(monkeypatch):
    class Later:
        """Later: a made-up strategy, registered only for this test."""

        name = "later"
        note = "A bullish MACD or Golden Cross setup could materialize."
        spec = (
            Param("fast", 12, "bars", "fast EMA", min=1, max=100),
            Param("use_stop", False, "", "stop on a close below the swing low"),
            Param("mode", "abs", "", "level kind", choices=("abs", "rel")),
            Param("stop_pct", None, "%", "optional stop", min=0.1, optional=True),
            Param("swing_bars", 5, "bars", "swing-low stop look-back", min=1, optional=True),
        )

    monkeypatch.setitem(STRATEGIES, "later", Later)
    lines = render_catalog(strategy_catalog("later").entries)
    text = "\n".join(lines)
    assert lines[0] == "later" and Later.note in text
    assert "1 .. 100" in text and "true | false" in text and "abs | rel" in text
    rows = {line.split()[0]: line for line in lines[2:]}
    assert rows["stop_pct"].split()[1:4] == ["none", "%", "0.1"] and "0.1 .. inf" in rows["stop_pct"]
    assert "5 (or none)" in rows["swing_bars"]
