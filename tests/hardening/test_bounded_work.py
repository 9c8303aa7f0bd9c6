"""Bounded work: validation is linear in the rows, a grid or an event study past its budget is refused before any
work (naming the product and how to narrow it) unless --yes, a forest plot of many markets stays a readable size,
and a study runs a strategy of your own file."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml

import rtybt.engine.config as config_module
import rtybt.engine.sweep.grid as grid_module
from rtybt.engine.core.budget import OverBudget, check_budget, over_budget_allowed
from rtybt.engine.core.errors import UserError
from rtybt.engine.report.study.page import (
    FOREST_MAX_MARKETS,
    forest_figure,
    forest_png,
    forest_rows,
)
from tests.hardening.cli_harness import bars_csv, run_cli, run_dirs

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def data_dir_from_the_config(monkeypatch):
    monkeypatch.delenv("RTYBT_DATA_DIR", raising=False)


def one_line_exit_2(outcome, *needles: str) -> str:
    assert outcome.code == 2, (outcome.code, outcome.stderr)
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rtybt: error: ") and "Traceback" not in outcome.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def small_config(tmp: Path, symbols=("TEST",), **sections) -> Path:
    data = tmp / "data"
    data.mkdir(exist_ok=True)
    for i, symbol in enumerate(symbols):
        frame = bars_csv(260)
        frame["Close"] = frame["Close"] * (1 + 0.01 * i)
        frame.to_csv(data / f"{symbol}.csv", index=False)
    raw = {
        "data": {"symbol": symbols[0], "dir": str(data)}, "benchmark": {"enabled": False},
        "strategy": {"name": "ma_reclaim", "params": {"ma_period": 10, "hold_bars": 2}},
        "event_study": {"bootstrap_samples": 100},
        "output": {"dir": str(tmp / "results"), "plots": False, "tearsheet": False},
        "sweep": {"grid": {"ma_period": [10, 12]}, "top": 1},
        "walkforward": {"train_bars": 100, "test_bars": 60},
    }
    raw.update(sections)
    path = tmp / "small.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


# --- validation is linear --------------------------------------------------------------------------------------

def minute_bars(rows: int) -> str:
    days = pd.bdate_range("2001-01-01", periods=rows // 390 + 1).strftime("%Y-%m-%d")
    dates = np.repeat(days.to_numpy(), 390)[:rows]
    close = 100 + np.sin(np.arange(rows) / 50.0)
    frame = pd.DataFrame({"Date": dates, "Open": close, "High": close + 0.5, "Low": close - 0.5, "Close": close,
                          "Volume": 1000})
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, float_format="%.4f")
    return buffer.getvalue()


def test_a_file_of_many_duplicate_rows_is_checked_in_seconds(tmp_path):
    """30k intraday rows (29,900 duplicate dates) took 17 s when the dropped set was rebuilt per finding."""
    (tmp_path / "MIN.csv").write_text(minute_bars(30_000))
    started = time.monotonic()
    outcome = run_cli(["data", "check", "MIN", "--data-dir", tmp_path, "--json"])
    took = time.monotonic() - started
    assert outcome.code == 0, outcome.stderr
    assert json.loads(outcome.stdout)["rows_kept"] == 77
    assert took < 10, f"{took:.1f} s for 30k rows"


def test_validation_grows_linearly_with_the_rows(tmp_path):
    from rtybt.engine.data.check import check_symbol

    times = {}
    for rows in (20_000, 80_000):
        (tmp_path / f"R{rows}.csv").write_text(minute_bars(rows))
        started = time.perf_counter()
        check_symbol(f"R{rows}", str(tmp_path))
        times[rows] = time.perf_counter() - started
    # 4x the rows: linear is ~4x, the old quadratic step was ~16x; 10x leaves room for a loaded machine.
    assert times[80_000] < 10 * max(times[20_000], 0.05), times


def test_a_run_dropping_many_duplicates_finishes(tmp_path):
    config = small_config(tmp_path)
    raw = yaml.safe_load(config.read_text())
    raw["data"]["symbol"] = "MIN"
    raw["data"]["validation"] = {"duplicates": "drop", "zero_volume": "warn", "gaps": "warn"}
    config.write_text(yaml.safe_dump(raw))
    (tmp_path / "data" / "MIN.csv").write_text(minute_bars(30_000))
    started = time.monotonic()
    outcome = run_cli(["-q", "run", config])
    assert outcome.code == 0, outcome.stderr
    assert time.monotonic() - started < 30


# --- budgets -------------------------------------------------------------------------------------------------

def test_a_huge_grid_is_refused_before_it_is_expanded(tmp_path):
    config = small_config(tmp_path)
    grid = ["--grid", "ma_period=" + ",".join(map(str, range(5, 1005))),
            "--grid", "hold_bars=" + ",".join(map(str, range(1, 101))),
            "--grid", "stop_pct=" + ",".join(str(i / 10) for i in range(1, 11))]
    started = time.monotonic()
    outcome = run_cli(["-q", "sweep", config, *grid])
    one_line_exit_2(outcome, "sweep.grid", "variants (1000 x 100 x 10) = 1,000,000", "budget of 100,000",
                    "narrow the grid", "--yes")
    assert time.monotonic() - started < 10
    assert not run_dirs(tmp_path / "results")


def test_variants_times_bars_past_the_budget_is_refused_and_yes_runs_it(tmp_path, monkeypatch):
    monkeypatch.setattr(grid_module, "MAX_VARIANT_BARS", 400)  # 2 variants x 260 bars = 520
    config = small_config(tmp_path)
    one_line_exit_2(run_cli(["-q", "sweep", config, "--workers", "1"]), "variants x bars (2 x 260) = 520",
                    "data.start", "--yes")
    assert not run_dirs(tmp_path / "results")
    assert run_cli(["-q", "sweep", config, "--workers", "1", "--yes"]).code == 0


def test_walkforward_is_held_to_the_same_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(grid_module, "MAX_VARIANT_BARS", 400)
    config = small_config(tmp_path)
    one_line_exit_2(run_cli(["-q", "walkforward", config, "--workers", "1"]), "variants x bars")


def test_horizons_times_draws_past_the_budget_is_refused(tmp_path):
    config = small_config(tmp_path, event_study={"horizons": list(range(1, 2001)), "verdict_horizon": 20,
                                                 "bootstrap_samples": 100_000})
    line = one_line_exit_2(run_cli(["-q", "run", config]), "event_study",
                           "horizons x bootstrap_samples (2,000 x 100,000) = 200,000,000", "fewer horizons", "--yes")
    assert len(line) < 400


def test_yes_lifts_the_event_study_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(config_module, "MAX_HORIZON_DRAWS", 100)  # 4 default horizons x 100 draws = 400
    config = small_config(tmp_path)
    one_line_exit_2(run_cli(["-q", "run", config]), "(4 x 100) = 400")
    assert run_cli(["-q", "run", config, "--yes"]).code == 0


def test_the_budget_in_python_is_a_user_error_lifted_by_a_context():
    with pytest.raises(OverBudget) as caught:
        check_budget("here", "things", 11, 10, "fewer things")
    assert isinstance(caught.value, UserError)
    with over_budget_allowed():
        check_budget("here", "things", 11, 10, "fewer things")
    with pytest.raises(OverBudget):
        check_budget("here", "things", 11, 10, "fewer things")


# --- figures cap their size ------------------------------------------------------------------------------------

def fake_study(markets: int):
    """What forest_figure reads of a StudyAnalysis, for `markets` markets."""
    def market(i):
        row = SimpleNamespace(excess_mean=(i - markets / 2) / 1e4, excess_ci=((i - markets / 2 - 5) / 1e4,
                              (i - markets / 2 + 5) / 1e4), events=10, clusters=8)
        return SimpleNamespace(horizon=lambda h, row=row: row)
    pooled = SimpleNamespace(excess=SimpleNamespace(estimate=0.001, ci=(0.0, 0.002), clusters=500), setups=9000)
    return SimpleNamespace(verdict_horizon=20, confidence=0.95, pooled_at=lambda h: pooled,
                           markets={f"M{i:04d}": market(i) for i in range(markets)})


def test_a_forest_of_many_markets_keeps_the_top_and_bottom_rows():
    rows = [(f"M{i}", i / 100, (None, None), 5, 5) for i in range(1000)]
    kept = forest_rows(rows)
    assert len(kept) == FOREST_MAX_MARKETS + 1
    assert kept[0][0] == "M999" and kept[FOREST_MAX_MARKETS // 2 - 1][0] == "M980"
    assert "960 more markets" in kept[FOREST_MAX_MARKETS // 2][0]
    assert kept[-1][0] == "M0"
    assert forest_rows(rows[:10]) == rows[:10]


def test_a_forest_of_1000_markets_is_an_image_of_bounded_size():
    from PIL import Image

    png = forest_png(fake_study(1000))
    width, height = Image.open(io.BytesIO(png)).size
    assert width * height < 5_000_000 and height < 4000, (width, height)
    assert len(png) < 1_000_000
    small = forest_figure(fake_study(3))
    assert len(small.axes[0].get_yticks()) == 4  # three markets and the pooled row: no cut


# --- a study of your own strategy ------------------------------------------------------------------------------

def test_study_runs_a_strategy_from_a_file(tmp_path):
    config = small_config(tmp_path, symbols=("TEST", "OTHER"),
                          strategy={"file": str(REPO / "examples" / "my_strategies" / "pullback.py"),
                                    "name": "pullback", "params": {"trend_period": 20, "down_closes": 2}},
                          study={"symbols": ["TEST", "OTHER"]})
    outcome = run_cli(["-q", "study", config, "--workers", "1"])
    assert outcome.code == 0, outcome.stderr
    assert list((tmp_path / "results").glob("small-study/*/study.html"))


def test_study_with_a_strategy_file_that_lacks_the_name_is_a_user_error_in_python(tmp_path):
    import rtybt

    config = small_config(tmp_path, symbols=("TEST", "OTHER"),
                          strategy={"file": str(REPO / "examples" / "my_strategies" / "pullback.py"),
                                    "name": "pulback"},
                          study={"symbols": ["TEST", "OTHER"]})
    with pytest.raises(UserError, match="did you mean 'pullback'"):
        rtybt.study(str(config))
