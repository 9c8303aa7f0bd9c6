"""The data directory's resolution order: --data-dir, then $RTYBT_DATA_DIR, then the config's data.dir, then the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from rtybt.engine.config import load_config
from rtybt.engine.core.errors import DataError
from rtybt.engine.data import load_run_bars
from rtybt.engine.data.load import load_bars
from rtybt.engine.data.locate import resolve_data_dir, similar_symbol


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    monkeypatch.delenv("RTYBT_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    names = ("flag", "env", "config")
    for name in names:
        (tmp_path / name).mkdir()
    return tmp_path


def test_order_flag_env_config_default(dirs, monkeypatch):
    flag, env, conf = dirs / "flag", dirs / "env", dirs / "config"
    assert resolve_data_dir(None, None) == (dirs / "cache" / "rtybt" / "data", "default cache")
    assert resolve_data_dir(None, conf) == (conf, "config data.dir")
    monkeypatch.setenv("RTYBT_DATA_DIR", str(env))
    assert resolve_data_dir(None, conf) == (env, "RTYBT_DATA_DIR")
    assert resolve_data_dir(flag, conf) == (flag, "--data-dir")


def test_default_cache_without_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("RTYBT_DATA_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_data_dir()[0] == tmp_path / ".cache" / "rtybt" / "data"


def _bars_file(folder: Path, close: float) -> None:
    rows = [f"2024-01-0{d},{close},{close + 1},{close - 1},{close},100" for d in (2, 3, 4, 5)]
    (folder / "TEST.csv").write_text("Date,Open,High,Low,Close,Volume\n" + "\n".join(rows) + "\n")


def test_a_run_reads_from_the_directory_that_wins(dirs, monkeypatch):
    # The same symbol in three places, told apart by its price.
    for close, name in ((10.0, "flag"), (20.0, "env"), (30.0, "config")):
        _bars_file(dirs / name, close)
    cfg = dirs / "run.yaml"
    cfg.write_text("data: {symbol: TEST, dir: config}\nstrategy: {name: buy_and_hold}\nbenchmark: {enabled: false}\n")
    config = load_config(cfg)
    assert config.data.dir == str(dirs / "config")  # relative to the config file, not the working directory

    def close_used(flag=None):
        bars, _ = load_run_bars(config, flag)
        return bars.frame["close"].iloc[0]

    assert close_used() == 30.0
    monkeypatch.setenv("RTYBT_DATA_DIR", str(dirs / "env"))
    assert close_used() == 20.0
    assert close_used(str(dirs / "flag")) == 10.0


def test_offline_missing_file_is_two_lines_what_is_wrong_then_how_to_fix_it(dirs, monkeypatch):
    monkeypatch.setenv("RTYBT_OFFLINE", "1")
    with pytest.raises(DataError) as err:
        load_bars("IWM", dirs / "env", source_hint="RTYBT_DATA_DIR")
    what, fix = str(err.value).split("\n")
    assert what == f"data.symbol IWM: no bars: IWM.csv not found in {dirs / 'env'} (data directory from RTYBT_DATA_DIR), offline"
    assert fix.startswith("  fix: put IWM.csv (Date,Open,High,Low,Close,Volume) in that folder") and "--data-dir" in fix


@pytest.mark.parametrize(("asked", "meant"), [("RUT", "^RUT"), ("rut", "^RUT"), ("RTY", "RTY=F"), ("iwm", "IWM"),
                                              ("SPYY", "SPY")])
def test_a_missing_symbol_close_to_one_at_hand_is_suggested(asked, meant, tmp_path, monkeypatch):
    monkeypatch.setenv("RTYBT_OFFLINE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # only the bundled snapshot is at hand
    with pytest.raises(DataError) as err:
        load_bars(asked, tmp_path, key="--symbol")
    what, fix = str(err.value).split("\n")
    assert what.startswith(f"--symbol {asked}: no bars: {asked}.csv not found in") and what.endswith(f"(did you mean {meant}?)")
    assert fix.startswith(f"  fix: use {meant}, or put {asked}.csv")


def test_no_suggestion_when_nothing_is_close(tmp_path, monkeypatch):
    monkeypatch.setenv("RTYBT_OFFLINE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "ZZTOP.csv").write_text("Date,Open,High,Low,Close,Volume\n")
    assert similar_symbol("ZZTOPP", tmp_path) == "ZZTOP"  # a file in the data directory counts too
    with pytest.raises(DataError) as err:
        load_bars("FOO", tmp_path)
    assert "did you mean" not in str(err.value) and "use " not in str(err.value)
