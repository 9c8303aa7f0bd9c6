"""Walk-forward: windows tile the data, and no in-sample choice ever sees a bar after its window."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.config import load_config
from rtybt.engine.config.sections import WalkForwardConfig
from rtybt.engine.data import load_run_bars
from rtybt.engine.sweep.executors import SerialExecutor
from rtybt.engine.sweep.grid import expand_grid
from rtybt.engine.sweep.walkforward import make_windows, walk_forward

YAML = """
data: {symbol: ^RUT, start: 2010-01-01, end: 2012-12-31}
strategy: {name: ma_reclaim, params: {ma_period: 50, hold_bars: 1}}
benchmark: {enabled: false}
"""
SETTINGS = WalkForwardConfig(train_bars=250, test_bars=125, metric="sharpe", min_trades=1)


def test_rolling_and_anchored_windows():
    rolling = make_windows(1000, WalkForwardConfig(train_bars=500, test_bars=200))
    assert [(w.is_lo, w.is_hi, w.oos_hi) for w in rolling] == [(0, 500, 700), (200, 700, 900)]
    anchored = make_windows(1000, WalkForwardConfig(train_bars=500, test_bars=200, anchored=True))
    assert [(w.is_lo, w.is_hi, w.oos_hi) for w in anchored] == [(0, 500, 700), (0, 700, 900)]


@pytest.fixture(scope="module")
def setup(tmp_path_factory, snapshot_dir):
    path = tmp_path_factory.mktemp("wf") / "wf.yaml"
    path.write_text(YAML)
    config = load_config(path)
    variants = expand_grid(config, {"ma_period": [10, 40]}, str(path))
    bars, _ = load_run_bars(config)
    return variants, bars.frame


def test_out_of_sample_is_stitched_from_the_windows(setup):
    variants, frame = setup
    result = walk_forward(variants, frame, SerialExecutor(), SETTINGS)
    windows = make_windows(len(frame), SETTINGS)
    assert len(result.windows) == len(windows) >= 3
    expected = frame.index[windows[0].is_hi : windows[-1].oos_hi]
    assert result.oos_returns.index.equals(expected)  # contiguous OOS, no overlap, no gap
    assert set(result.windows["chosen"]) <= {v.label for v in variants}


def test_no_in_sample_data_reaches_an_out_of_sample_decision(setup):
    variants, frame = setup
    base = walk_forward(variants, frame, SerialExecutor(), SETTINGS)
    first = make_windows(len(frame), SETTINGS)[0]
    # Scramble every bar after the first in-sample window: its choice and in-sample numbers must not move.
    altered = frame.copy()
    rng = np.random.default_rng(5)
    scale = np.exp(np.cumsum(rng.normal(0, 0.03, len(frame) - first.is_hi)))
    altered.iloc[first.is_hi :, :4] = altered.iloc[first.is_hi :, :4].to_numpy() * scale[:, None]
    moved = walk_forward(variants, altered, SerialExecutor(), SETTINGS)
    cols = ["is_start", "is_end", "chosen", "is_sharpe", "is_trades"]
    assert moved.windows.loc[0, cols].to_dict() == base.windows.loc[0, cols].to_dict()
    # ...while what follows did change (the test can fail): later out-of-sample returns differ.
    assert not np.allclose(moved.oos_returns.to_numpy(), base.oos_returns.to_numpy())
    assert isinstance(base.oos_returns, pd.Series)


def test_walkforward_cli_writes_windows_and_oos_equity(tmp_path, snapshot_dir):
    import json

    from typer.testing import CliRunner

    from rtybt.engine.cli import app

    path = tmp_path / "wf.yaml"
    path.write_text(YAML + "output: {plots: false}\nwalkforward: {train_bars: 250, test_bars: 250}\n")
    result = CliRunner().invoke(app, ["walkforward", str(path), "--grid", "ma_period=10,40", "--workers", "1",
                                      "--set", f"output.dir={tmp_path / 'out'}", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    assert summary["windows"] == 2 and len(summary["windows_table"]) == 2
    run_dir = tmp_path / "out" / "wf-walkforward"
    (out,) = list(run_dir.iterdir())
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "oos_returns.csv", "walkforward.json",
                                                     "windows.csv"]


def test_interrupted_walk_forward_resumes_with_only_the_missing_backtests(setup, tmp_path):
    from rtybt.engine.sweep.store import VariantStore

    variants, frame = setup
    windows = make_windows(len(frame), SETTINGS)
    total = len(windows) * len(variants) + len(windows)
    store = VariantStore(tmp_path, "data-sha", "source-sha")

    def interrupt_after_three(done, total_seen):
        assert total_seen == total
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        walk_forward(variants, frame, SerialExecutor(), SETTINGS, store=store, on_progress=interrupt_after_three)
    assert len(list(store.dir.glob("[!.]*.json"))) == 3

    class Counting(SerialExecutor):
        def __init__(self):
            self.ran = []

        def run(self, frame, tasks):
            self.ran += [(t.config_hash, t.lo, t.hi) for t in tasks]
            yield from super().run(frame, tasks)

    counting = Counting()
    seen = []
    resumed = walk_forward(variants, frame, counting, SETTINGS, store=store, resume=True,
                           on_progress=lambda done, n: seen.append((done, n)))
    assert (resumed.reused, resumed.computed) == (3, total - 3)
    assert len(counting.ran) == total - 3 and seen[0] == (3, total) and seen[-1] == (total, total)
    fresh = walk_forward(variants, frame, SerialExecutor(), SETTINGS)
    pd.testing.assert_frame_equal(resumed.windows, fresh.windows, check_exact=True)
    pd.testing.assert_series_equal(resumed.oos_returns, fresh.oos_returns, check_exact=True)
    # A full second resume runs nothing at all.
    again = Counting()
    assert walk_forward(variants, frame, again, SETTINGS, store=store, resume=True).computed == 0
    assert again.ran == []
