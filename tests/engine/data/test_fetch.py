"""The download path against a local stand-in for yfinance (never the network)."""

from __future__ import annotations

import json
import sys
import types
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.core.errors import DataError
from rtybt.engine.data.fetch import fetch_symbol
from rtybt.engine.data.load import load_bars


def yahoo_frame(symbol: str, days: int = 5, last_day: str | None = None) -> pd.DataFrame:
    """Shaped like yfinance.download(one_symbol): (Price, Ticker) MultiIndex columns, a 'Date' index."""
    end = pd.Timestamp(last_day) if last_day else pd.Timestamp("2024-01-09")
    index = pd.bdate_range(end=end, periods=days, name="Date")
    close = np.arange(100.0, 100.0 + days)
    fields = {"Close": close, "High": close + 1, "Low": close - 2, "Open": close - 1, "Volume": np.full(days, 5e5)}
    columns = pd.MultiIndex.from_tuples([(f, symbol) for f in fields], names=["Price", "Ticker"])
    return pd.DataFrame(np.column_stack(list(fields.values())), index=index, columns=columns)


@pytest.fixture
def fake_yfinance(monkeypatch):
    """Inject a stand-in `yfinance` module; `calls` records every download request."""
    module = types.ModuleType("yfinance")
    module.calls = []
    module.result = None

    def download(symbol, **kwargs):
        module.calls.append((symbol, kwargs))
        if isinstance(module.result, Exception):
            raise module.result
        return module.result if module.result is not None else yahoo_frame(symbol)

    module.download = download
    monkeypatch.setitem(sys.modules, "yfinance", module)
    monkeypatch.delenv("RTYBT_OFFLINE", raising=False)
    return module


def test_fetch_writes_csv_and_meta_sidecar(fake_yfinance, tmp_path):
    target = fetch_symbol("^RUT", tmp_path / "cache")
    assert target == tmp_path / "cache" / "^RUT.csv"
    assert fake_yfinance.calls == [("^RUT", {"period": "max", "interval": "1d", "auto_adjust": True, "progress": False})]
    lines = target.read_text().splitlines()
    assert lines[0] == "Date,Close,High,Low,Open,Volume"  # the snapshot's layout
    assert lines[1] == "2024-01-03,100.0,101.0,98.0,99.0,500000.0"
    meta = json.loads((tmp_path / "cache" / "^RUT.csv.meta.json").read_text())
    assert meta["symbol"] == "^RUT" and meta["rows"] == 5 and meta["source"] == "yfinance"
    assert meta["fetched_at"][:10] == datetime.now(UTC).date().isoformat()
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["^RUT.csv", "^RUT.csv.meta.json"]


def test_fetched_bars_load_and_todays_bar_is_the_partial_one(fake_yfinance, tmp_path):
    today = datetime.now(UTC).date()
    fake_yfinance.result = yahoo_frame("IWM", days=6, last_day=str(today))
    fetch_symbol("IWM", tmp_path)
    bars = load_bars("IWM", tmp_path)
    assert [f.date for f in bars.report.dropped] == [today.isoformat()]  # downloaded today: intraday
    assert len(bars.frame) == 5 and bars.frame["open"].iloc[0] == 99.0


def test_missing_file_online_downloads_into_the_data_dir(fake_yfinance, tmp_path):
    bars = load_bars("SPY", tmp_path)
    assert [c[0] for c in fake_yfinance.calls] == ["SPY"]
    assert (tmp_path / "SPY.csv").is_file() and len(bars.frame) == 5
    load_bars("SPY", tmp_path)
    assert len(fake_yfinance.calls) == 1  # the cache is used the second time


def test_single_level_columns_are_accepted(fake_yfinance, tmp_path):
    frame = yahoo_frame("QQQ")
    frame.columns = frame.columns.droplevel(-1)
    fake_yfinance.result = frame
    assert load_bars("QQQ", tmp_path).frame["close"].iloc[-1] == 104.0


def test_download_failure_is_two_lines_and_leaves_nothing(fake_yfinance, tmp_path):
    fake_yfinance.result = ConnectionError("Could not resolve host\nquery2.finance.yahoo.com")
    with pytest.raises(DataError) as err:
        load_bars("IWM", tmp_path)
    what, fix = str(err.value).split("\n")  # what is wrong (the host's own newline folded in), then how to fix it
    assert what.startswith("data.symbol IWM: no bars: IWM.csv not found in") and "download failed (ConnectionError" in what
    assert fix.startswith("  fix: put IWM.csv")
    assert list(tmp_path.iterdir()) == []


def test_empty_download_is_an_unknown_symbol(fake_yfinance, tmp_path):
    fake_yfinance.result = yahoo_frame("X").iloc[:0]
    with pytest.raises(DataError, match="download returned no rows"):
        fetch_symbol("NOPE", tmp_path)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(fake_yfinance, tmp_path, monkeypatch):
    old = "Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,1,1,1\n"
    (tmp_path / "IWM.csv").write_text(old)

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    import rtybt.engine.core.atomic

    monkeypatch.setattr(rtybt.engine.core.atomic.os, "fsync", disk_full)
    with pytest.raises(OSError):
        fetch_symbol("IWM", tmp_path)
    assert (tmp_path / "IWM.csv").read_text() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["IWM.csv"]


def test_explicit_fetch_refuses_when_offline(fake_yfinance, tmp_path, monkeypatch):
    monkeypatch.setenv("RTYBT_OFFLINE", "1")
    with pytest.raises(DataError, match=r"IWM: not downloading, RTYBT_OFFLINE is set"):
        fetch_symbol("IWM", tmp_path)
    assert fake_yfinance.calls == []


def test_without_yfinance_installed(monkeypatch, tmp_path):
    monkeypatch.delenv("RTYBT_OFFLINE", raising=False)
    monkeypatch.setitem(sys.modules, "yfinance", None)  # import yfinance -> ImportError
    with pytest.raises(DataError, match=r"pip install 'rtybt\[download\]'"):
        fetch_symbol("IWM", tmp_path)
