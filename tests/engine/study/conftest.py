"""Study fixtures: ma_reclaim on seven years of three real markets, studied once per module (without the markets'
tearsheets, which tests/engine/study/test_study_tearsheets.py writes on a shorter window)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rtybt.engine.cli import app

STUDY_YAML = """
data: {symbol: ^RUT, start: 2010-01-01, end: 2016-12-31}
strategy: {name: ma_reclaim, params: {ma_period: 50, hold_bars: 3}}
output: {plots: false, tearsheet: false}
event_study: {bootstrap_samples: 500}
study: {symbols: [IWM, SPY], regimes: {vix_threshold: 18}}
"""


@pytest.fixture(scope="module")
def study_config_path(tmp_path_factory, snapshot_dir):
    path = tmp_path_factory.mktemp("cfg") / "small.yaml"
    path.write_text(STUDY_YAML)
    return path


def invoke(*args: str):
    result = CliRunner().invoke(app, [*args])
    return result


@pytest.fixture(scope="module")
def small_study(study_config_path, tmp_path_factory):
    """(summary printed by --json, the run directory) of one serial study."""
    out = tmp_path_factory.mktemp("results")
    result = invoke("study", str(study_config_path), "--workers", "1", "--set", f"output.dir={out}", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    return summary, out
