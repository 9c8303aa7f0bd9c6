"""`rtybt run configs/ma_reclaim.yaml` on the real ^RUT history, checked against an independent re-derivation."""

from __future__ import annotations

import json
import math

import backtrader as bt
import numpy as np
import pandas as pd
import pytest
import yaml

from rtybt.engine.commands.run import execute_run
from rtybt.engine.config import load_config
from rtybt.engine.data import load_run_bars
from rtybt.engine.run.feed import make_feed
from rtybt.strategies.ma_reclaim import MaReclaim
from tests.conftest import REPO


@pytest.fixture(scope="module")
def outcome(tmp_path_factory, snapshot_dir):
    results = tmp_path_factory.mktemp("results")
    # The tearsheet has its own tests; here it would only add pyfolio time.
    return execute_run(REPO / "configs" / "ma_reclaim.yaml", ["output.tearsheet=false"], str(snapshot_dir), str(results),
                       command_line=["rtybt", "run", "configs/ma_reclaim.yaml"])


def simulate(frame: pd.DataFrame, ma_period=50, hold_bars=3, cash=100_000.0, fraction=0.95,
             commission=0.0002, slippage=0.0003):
    """The rule and the broker, re-derived with pandas/numpy: signal on the close, fill at the next open."""
    close, open_, high, low = (frame[c].to_numpy() for c in ("close", "open", "high", "low"))
    sma = frame["close"].rolling(ma_period).mean().to_numpy()
    with np.errstate(invalid="ignore"):
        above = close > sma
        at_or_below = close <= sma  # False while the SMA is undefined
    entry = np.zeros(len(close), dtype=bool)
    for i in range(hold_bars, len(close)):
        entry[i] = at_or_below[i - hold_bars] and above[i - hold_bars + 1 : i + 1].all()
    position, pending, closed, entries, refused = 0, None, 0, [], 0
    for i in range(len(close)):
        if pending is not None:
            if pending > 0:  # buy, slipped up but never above the bar's high
                price = min(open_[i] * (1 + slippage), high[i])
                cost = pending * price
                if cost * (1 + commission) > cash:
                    refused += 1
                else:
                    cash -= cost * (1 + commission)
                    position = pending
                    entries.append(frame.index[i].date())
            else:  # sell everything, slipped down but never below the low
                price = max(open_[i] * (1 - slippage), low[i])
                cash += position * price * (1 - commission)
                position, closed = 0, closed + 1
            pending = None
        if position == 0 and entry[i]:
            pending = math.floor((cash + position * close[i]) * fraction / close[i])
        elif position > 0 and close[i] < sma[i]:
            pending = -position
    return {"closed": closed, "entries": entries, "refused": refused, "open": int(position > 0),
            "final_equity": cash + position * close[-1], "signals": entry}


@pytest.fixture(scope="module")
def expected(outcome):
    return simulate(outcome.bars.frame)


def test_trade_count_and_final_equity(outcome, expected):
    m = outcome.result.metrics
    assert expected["closed"] > 100  # a re-derivation that found nothing would prove nothing
    assert m["trades"] == expected["closed"]
    assert m["open_trades"] == expected["open"] and m["orders_refused"] == expected["refused"]
    assert list(outcome.result.trades["entry_date"]) == expected["entries"]
    assert m["final_equity"] == pytest.approx(expected["final_equity"], rel=1e-9)
    assert outcome.result.equity.iloc[-1] == pytest.approx(expected["final_equity"], rel=1e-9)


def test_the_run_covers_the_snapshot_less_its_partial_bar(outcome):
    assert outcome.result.metrics["start"] == "1987-09-10"
    assert outcome.result.metrics["end"] == "2026-02-20"  # 2026-02-23 is the intraday bar, dropped
    assert [f.date for f in outcome.bars.report.dropped] == ["2026-02-23"]


def test_setups_match_the_pandas_signal(outcome, expected):
    index = outcome.bars.frame.index
    assert outcome.result.setups == [d.date() for d in index[expected["signals"]]]


class RecordSma(MaReclaim):
    """MaReclaim that also writes down the SMA it sees on every bar."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def next(self):
        self.seen.append(self.reclaim.ma[0])
        super().next()


def test_sma_inside_reclaim_equals_pandas_rolling_mean(snapshot_dir):
    config = load_config(REPO / "configs" / "ma_reclaim.yaml", ["data.start=2015-01-01", "benchmark.enabled=false"])
    bars, _ = load_run_bars(config, str(snapshot_dir))
    frame = bars.frame
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(make_feed(frame, "^RUT"))
    cerebro.addstrategy(RecordSma, ma_period=50, hold_bars=3)
    strat = cerebro.run()[0]
    seen = np.array(strat.seen)
    # next() starts once SMA(50) exists 3 bars back (the close at or below it): 0-based bar 49 + 3 = 52.
    pandas_sma = frame["close"].rolling(50).mean().to_numpy()[-len(seen):]
    assert len(seen) == len(frame) - 52
    np.testing.assert_allclose(seen, pandas_sma, rtol=1e-12)


def test_manifest_has_every_field(outcome, snapshot_dir):
    manifest = json.loads((outcome.run_dir / "manifest.json").read_text())
    assert set(manifest["versions"]) >= {"rtybt", "python", "backtrader", "pandas", "numpy"}
    assert all(manifest["versions"][k] not in ("", "not installed") for k in ("backtrader", "pandas", "numpy"))
    (data,) = manifest["inputs"][0]["data"]  # the benchmark is the traded symbol: one file
    assert data["role"] == "traded" and data["symbol"] == "^RUT"
    sums = dict(line.split()[::-1] for line in (snapshot_dir / "SHA256SUMS").read_text().splitlines() if line)
    assert data["sha256"] == sums["^RUT.csv"] and data["checksum"] == "matches SHA256SUMS"
    assert (data["first_date"], data["last_date"], data["rows_dropped"]) == ("1987-09-10", "2026-02-20", 1)
    run_input = manifest["inputs"][0]
    assert run_input["config_hash"] == outcome.config.config_hash() and len(run_input["config_hash"]) == 64
    assert manifest["command_line"] == ["rtybt", "run", "configs/ma_reclaim.yaml"]
    assert manifest["started_utc"] <= manifest["finished_utc"]
    assert len(run_input["strategy_source_sha256"]) == 64 and manifest["run_id"] == outcome.run_dir.name


def test_run_directory_files(outcome):
    names = {p.name for p in outcome.run_dir.iterdir()}
    assert names >= {"config.yaml", "manifest.json", "metrics.json", "trades.csv", "returns.csv", "equity.png",
                     "validation.json", "validation.txt", "order_issues.csv", "positions.csv", "transactions.csv"}
    assert (outcome.run_dir / "equity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    resolved = yaml.safe_load((outcome.run_dir / "config.yaml").read_text())
    assert resolved["strategy"]["name"] == "ma_reclaim"
    assert resolved["strategy"]["params"] == outcome.config.strategy.params  # every param, defaults included
    assert (resolved["strategy"]["params"]["ma_period"], resolved["strategy"]["params"]["hold_bars"]) == (50, 3)
    assert resolved["broker"]["commission_rate"] == 0.0002  # the defaults in force are written down
    assert "sweep" not in resolved and "walkforward" not in resolved  # unused optional sections: absent, not null
    validation = json.loads((outcome.run_dir / "validation.json").read_text())["data"]
    assert [row["date"] for row in validation["dropped"]] == ["2026-02-23"]
    zero = next(c for c in validation["checks"] if c["check"] == "zero_volume")
    assert (zero["count"], zero["action"]) == (17, "warn")
    trades = pd.read_csv(outcome.run_dir / "trades.csv")
    assert len(trades[trades.status == "closed"]) == outcome.result.metrics["trades"]
    returns = pd.read_csv(outcome.run_dir / "returns.csv", index_col="date")
    assert list(returns.columns) == ["returns", "equity", "benchmark_returns"]
    assert returns["equity"].iloc[-1] == pytest.approx(outcome.result.metrics["final_equity"])
    metrics = json.loads((outcome.run_dir / "metrics.json").read_text())
    assert metrics["costs"] == "index: commission 2 bp and slippage 3 bp of traded value per side"
    assert metrics["strategy"]["trades"] == outcome.result.metrics["trades"]


def test_summary_matches_the_files(outcome):
    s = outcome.summary
    assert s["run_dir"] == str(outcome.run_dir) and s["symbol"] == "^RUT" and s["benchmark"] == "^RUT"
    assert s["strategy_metrics"]["final_equity"] == outcome.result.metrics["final_equity"]
    assert s["data_rows_dropped"] == 1 and s["data_warnings"] == 18  # 17 zero-volume rows + the 9/11 gap
