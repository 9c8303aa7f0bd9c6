"""Grid expansion: every combination, validated like a single run, each with its own config hash."""

from __future__ import annotations

import pytest

from rtybt.engine.commands.sweep import sweep_settings
from rtybt.engine.config import load_config
from rtybt.engine.core.errors import ConfigError
from rtybt.engine.sweep.grid import expand_grid, parse_grid_options

BASE = """
data: {symbol: ^RUT, start: 2015-01-01, end: 2016-12-31}
strategy: {name: ma_reclaim, params: {ma_period: 50, hold_bars: 3}}
"""


def write(tmp_path, text):
    path = tmp_path / "base.yaml"
    path.write_text(text)
    return path


def test_grid_expands_every_combination_in_order_with_distinct_hashes(tmp_path):
    config = load_config(write(tmp_path, BASE))
    variants = expand_grid(config, {"ma_period": [20, 30, 40], "hold_bars": [1, 2]}, "base.yaml")
    assert [v.swept for v in variants] == [
        {"ma_period": m, "hold_bars": h} for m in (20, 30, 40) for h in (1, 2)
    ]
    assert len({v.config_hash for v in variants}) == 6
    # Each variant is a full config whose hash is the one `rtybt run` would give it.
    other = load_config(write(tmp_path, BASE.replace("ma_period: 50, hold_bars: 3", "ma_period: 30, hold_bars: 2")))
    assert variants[3].config_hash == other.config_hash()
    assert variants[3].label == "ma_period=30, hold_bars=2"


def test_duplicate_values_run_once(tmp_path):
    config = load_config(write(tmp_path, BASE))
    variants = expand_grid(config, {"ma_period": [20, 20.0, 30]}, "base.yaml")
    assert [v.swept["ma_period"] for v in variants] == [20, 30]


def test_variants_are_checked_like_a_single_run(tmp_path):
    config = load_config(write(tmp_path, BASE))
    with pytest.raises(ConfigError, match=r"ma_period: must be >= 2"):
        expand_grid(config, {"ma_period": [20, 1]}, "base.yaml")
    with pytest.raises(ConfigError, match=r"sweep.grid.ma_perod: unknown parameter of ma_reclaim \(did you mean 'ma_period'\?\)"):
        expand_grid(config, {"ma_perod": [20]}, "base.yaml")


def test_grid_option_parses_yaml_scalars_and_rejects_an_empty_list():
    assert parse_grid_options(["ma_period=20,30", "hold_bars=1"]) == {"ma_period": [20, 30], "hold_bars": [1]}
    with pytest.raises(ConfigError, match=r"^--grid hold_bars: empty list of values"):
        parse_grid_options(["hold_bars="])
    with pytest.raises(ConfigError, match=r"expected PARAM=V1,V2"):
        parse_grid_options(["hold_bars"])


def test_sweep_section_empty_list_names_the_key(tmp_path):
    path = write(tmp_path, BASE + "sweep: {grid: {ma_period: [20, 30], hold_bars: []}}\n")
    with pytest.raises(ConfigError, match=r"base.yaml: sweep.grid: .*hold_bars: empty list"):
        load_config(path)


def test_sweep_section_unknown_key_gets_a_did_you_mean(tmp_path):
    path = write(tmp_path, BASE + "sweep: {grid: {ma_period: [20]}, metrik: sharpe}\n")
    with pytest.raises(ConfigError, match=r"sweep.metrik: unknown key \(did you mean 'metric'\?\)"):
        load_config(path)


def test_sweep_section_does_not_change_the_run_hash_and_grid_option_wins(tmp_path):
    plain = load_config(write(tmp_path, BASE))
    with_sweep = load_config(write(tmp_path, BASE + "sweep: {grid: {ma_period: [20, 30]}, metric: cagr, top: 3}\n"))
    assert plain.config_hash() == with_sweep.config_hash()
    settings = sweep_settings(with_sweep, ["ma_period=40,50", "hold_bars=1"], None, None, "base.yaml")
    assert settings.grid == {"ma_period": [40, 50], "hold_bars": [1]}
    assert (settings.metric, settings.top) == ("cagr", 3)
    with pytest.raises(ConfigError, match="nothing to sweep"):
        sweep_settings(plain, [], None, None, "base.yaml")
    with pytest.raises(ConfigError, match="unknown metric 'luck'"):
        sweep_settings(with_sweep, [], "luck", None, "base.yaml")
