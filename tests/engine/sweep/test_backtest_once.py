"""A sweep runs each variant's backtest once: the report's event-study edge uses the setup days the sweep kept."""

from __future__ import annotations

import json

import pytest

import rtybt.engine.run as engine_run
from rtybt.engine.commands.sweep import execute_sweep
from rtybt.engine.sweep.store import VariantStore


@pytest.fixture
def count_passes(monkeypatch):
    """Every Backtrader pass, by strategy class name."""
    passes: list[str] = []
    real = engine_run.run_strategy

    def counting(strategy_cls, *args, **kwargs):
        passes.append(strategy_cls.__name__)
        return real(strategy_cls, *args, **kwargs)

    monkeypatch.setattr(engine_run, "run_strategy", counting)
    engine_run._LAST_BENCHMARK.clear()  # as in a fresh process: buy-and-hold not yet run
    return passes


def _report(run_dir) -> dict:
    body = json.loads((run_dir / "comparison.json").read_text())
    return {k: v for k, v in body.items() if k not in ("created", "run_id")}


def test_each_variant_runs_once_and_buy_and_hold_once(sweep_config_path, tmp_path, count_passes):
    run = execute_sweep(sweep_config_path, results_dir=str(tmp_path / "results"))
    variants = len(run.outcome.variants)
    assert variants == 4 and run.outcome.computed == 4
    assert len([p for p in count_passes if p != "BuyAndHold"]) == variants
    assert count_passes.count("BuyAndHold") == 1
    assert set(run.outcome.setups) == {v.config_hash for v in run.outcome.variants}
    assert all(run.outcome.setups.values())  # ma_reclaim sets up on two years of ^RUT: days, not an empty list


def test_resume_reuses_stored_setups_and_gives_the_same_report(sweep_config_path, tmp_path, count_passes):
    root = str(tmp_path / "results")
    fresh = execute_sweep(sweep_config_path, results_dir=root)
    count_passes.clear()
    engine_run._LAST_BENCHMARK.clear()
    resumed = execute_sweep(sweep_config_path, results_dir=root, resume=True)
    assert (resumed.outcome.reused, resumed.outcome.computed) == (4, 0)
    assert count_passes == ["BuyAndHold"]
    assert resumed.outcome.setups == fresh.outcome.setups
    assert _report(resumed.run_dir) == _report(fresh.run_dir)


def test_entries_without_setups_run_again_and_give_the_same_report(sweep_config_path, tmp_path, count_passes,
                                                                    monkeypatch):
    fresh = execute_sweep(sweep_config_path, results_dir=str(tmp_path / "fresh"))
    # A store whose entries hold no setup days (a faulty or older writer): --resume reuses their numbers, and the
    # report runs only the variants it shows (top 3) once more for their setups; nothing is guessed.
    real_save = VariantStore.save
    monkeypatch.setattr(VariantStore, "save", lambda self, key, params, metrics, returns, setups=None:
                        real_save(self, key, params, metrics, returns))
    old = str(tmp_path / "old")
    execute_sweep(sweep_config_path, results_dir=old)
    monkeypatch.setattr(VariantStore, "save", real_save)
    count_passes.clear()
    engine_run._LAST_BENCHMARK.clear()
    resumed = execute_sweep(sweep_config_path, results_dir=old, resume=True)
    assert (resumed.outcome.reused, resumed.outcome.computed) == (4, 0)
    assert resumed.outcome.setups == {}
    assert len([p for p in count_passes if p != "BuyAndHold"]) == 3
    assert count_passes.count("BuyAndHold") == 1
    assert _report(resumed.run_dir) == _report(fresh.run_dir)


def test_a_stored_entry_with_unreadable_setups_has_none(tmp_path):
    import pandas as pd

    store = VariantStore(tmp_path, "d" * 64, "s" * 64)
    returns = pd.Series([0.0, 0.01], index=pd.bdate_range("2020-01-01", periods=2))
    from datetime import date

    store.save("k", {}, {"sharpe": 1.0}, returns, [date(2020, 1, 2)])
    assert store.load_entry("k")[2] == [date(2020, 1, 2)]
    store.save("k", {}, {"sharpe": 1.0}, returns)
    assert store.load_entry("k")[2] is None
    assert store.load("k")[0] == {"sharpe": 1.0}
    # Sealed by a faulty writer: the numbers stand, the setups are unknown (not an empty list, not a crash).
    from rtybt.engine.core.verify import seal_json

    for bad in (["2020-13-45"], [20200102], "2020-01-02"):
        content = {"params": {}, "metrics": {"sharpe": 1.0}, "index_name": None,
                   "dates": ["2020-01-01", "2020-01-02"], "returns": [0.0, 0.01], "setups": bad}
        store.path("k").write_text(seal_json(content, store.inputs("k")))
        metrics, _, setups = store.load_entry("k")
        assert metrics == {"sharpe": 1.0} and setups is None
