"""The ledger: signals that place no order, the daily accounting identity, and contract terms per futures root."""

from __future__ import annotations

import pytest

from rtybt.engine.config import load_config, validate_config
from rtybt.engine.config.contracts import CONTRACTS, contract_root
from rtybt.engine.core.errors import ConfigError
from rtybt.engine.run import run_backtest, run_strategy
from rtybt.engine.run.broker import stated_costs
from rtybt.engine.run.ledger import LedgerError, ledger
from rtybt.strategies import get_strategy
from tests.conftest import REPO, bars_frame

# ma_reclaim(ma_period=3, hold_bars=2) on these closes x 200 (tests/engine/run/test_run.py): entry condition on
# bar 5's close (2,400) and again on bar 11, the last bar (1,800); exit signal on bar 7.
CLOSES = [c * 200.0 for c in (10, 10, 10, 9, 11, 12, 13, 12, 8, 7, 8, 9)]
PARAMS = {"ma_period": 3, "hold_bars": 2}


def future(symbol="RTY=F", cash=100_000, sizing=None, **broker):
    return validate_config({
        "data": {"symbol": symbol},
        "strategy": {"name": "ma_reclaim", "params": PARAMS},
        "broker": {"instrument": "future", "cash": cash, **broker},
        "sizing": sizing or {"method": "percent_equity", "equity_fraction": 0.95},
        "benchmark": {"enabled": False},
    }, "test.yaml")


# -- 1. every signal is accounted for ---------------------------------------------------------------------
def test_a_future_sized_to_zero_contracts_is_an_order_issue_with_its_reason():
    frame = bars_frame(CLOSES)
    result = run_backtest(future(), frame)
    # 0.95 x 100,000 = 95,000 buys no RTY contract at 2,400 x 50 = 120,000: no order, no trade.
    assert result.trades.empty and result.transactions.empty
    rows = result.order_issues.to_dict("records")
    assert rows == [{
        "date": frame.index[5].date(), "side": "buy", "size": 0.0, "status": "Not ordered",
        "signal_date": frame.index[5].date(), "signal_close": 2400.0,
        "reason": "sized to 0: equity_fraction 0.95 x equity 100,000.00 = 95,000.00 is less than one contract "
                  "(close 2,400.00 x multiplier 50 = 120,000.00)",
    }]
    assert result.metrics["signals_not_ordered"] == 1 and result.metrics["orders_refused"] == 0
    assert result.warnings[0].startswith("1 signal(s) placed no order, first on 2020-01-08: sized to 0:")


def test_a_percent_sizer_below_one_unit_of_an_index_is_counted_at_every_signal():
    # 0.5 x 1,000 = 500 buys no unit at 2,400 (bar 5) nor at 1,800 (bar 11): two signals, two rows.
    cfg = validate_config({
        "strategy": {"name": "ma_reclaim", "params": PARAMS}, "broker": {"cash": 1_000},
        "sizing": {"method": "percent_equity", "equity_fraction": 0.5}, "benchmark": {"enabled": False},
    }, "test.yaml")
    frame = bars_frame(CLOSES)
    result = run_backtest(cfg, frame)
    issues = result.order_issues
    assert list(issues["signal_date"]) == [frame.index[5].date(), frame.index[11].date()]
    assert list(issues["status"]) == ["Not ordered"] * 2
    assert issues["reason"].iloc[1] == ("sized to 0: equity_fraction 0.5 x equity 1,000.00 = 500.00 is less than "
                                        "one unit (close 1,800.00)")
    assert result.metrics["signals_not_ordered"] == 2
    # The last bar's signal placed no order, so it is not "left unfilled" as well: one account per signal.
    assert not any("was not filled" in w for w in result.warnings)


def test_a_benchmark_that_cannot_buy_yet_says_so():
    # Buy & hold on the same future: one contract does not fit 0.95 x 100,000 at 2,000 x 50 = 100,000 (bars 0-2);
    # at bar 3's close of 1,800 (90,000) it does, and it fills at bar 4's open.
    cfg = validate_config({
        "data": {"symbol": "RTY=F"}, "strategy": {"name": "ma_reclaim", "params": PARAMS},
        "broker": {"instrument": "future"}, "benchmark": {"enabled": True},
    }, "test.yaml")
    frame = bars_frame(CLOSES)
    result = run_backtest(cfg, frame, frame)
    assert result.benchmark_metrics["exposure"] == pytest.approx(8 / 12)  # bars 4..11
    assert result.warnings[-1] == (
        "benchmark buy & hold RTY=F: 3 signal(s) placed no position, first on 2020-01-01 (Not ordered: sized to "
        "0: equity_fraction 0.95 x equity 100,000.00 = 95,000.00 is less than one contract (close 2,000.00 x "
        "multiplier 50 = 100,000.00))")


def test_a_broker_refusal_keeps_its_status_and_gets_a_reason():
    cfg = future(sizing={"method": "fixed_units", "units": 2}, cash=10_000)  # 2 x 7,500 margin > 10,000
    result = run_backtest(cfg, bars_frame(CLOSES))
    assert list(result.order_issues["status"]) == ["Margin"]
    assert "not enough cash" in result.order_issues["reason"].iloc[0]
    assert result.metrics["orders_refused"] == 1 and result.metrics["signals_not_ordered"] == 0


# -- 2. the ledger adds up --------------------------------------------------------------------------------
def test_futures_ledger_by_hand():
    frame = bars_frame(CLOSES)
    result = run_backtest(future(cash=1_000_000), frame)
    pos = result.positions
    assert list(pos.columns) == ["contracts", "notional", "cash", "margin", "open_pnl", "equity"]
    # floor(950,000 / 120,000) = 7 contracts bought at 2,400.5 + one tick = 2,400.6 on bar 6 (close 2,600).
    day = pos.iloc[6]
    assert day["contracts"] == 7 and day["notional"] == pytest.approx(7 * 2600 * 50)
    assert day["cash"] == pytest.approx(1_000_000 - 7 * 2.5 - 7 * 7_500)  # commission and margin posted
    assert day["margin"] == 7 * 7_500
    assert day["open_pnl"] == pytest.approx(7 * (2600 - 2400.6) * 50)
    assert day["equity"] == pytest.approx(day["cash"] + day["margin"] + day["open_pnl"])
    # Cash moves only on fills: the same on bar 7, margin released and P&L realised on the exit (bar 8).
    assert pos["cash"].iloc[7] == pytest.approx(day["cash"])
    t = result.trades.iloc[0]
    assert pos.iloc[8][["contracts", "margin", "open_pnl"]].tolist() == [0, 0, 0]
    assert pos["cash"].iloc[8] == pytest.approx(1_000_000 + t.pnl_net) == pytest.approx(pos["equity"].iloc[8])


def test_the_ledger_refuses_accounts_that_do_not_add_up():
    # The identity is not a tautology: margin from other contract terms than the broker's breaks it.
    frame = bars_frame(CLOSES)
    cfg = future(cash=1_000_000)
    run = run_strategy(get_strategy("ma_reclaim"), cfg.strategy.params, frame, cfg, "RTY=F")
    ledger(run, frame["close"], cfg)
    cfg.broker.margin = 8_000.0
    with pytest.raises(LedgerError, match="ledger does not add up on 2020-01-09: equity = cash \\+ margin"):
        ledger(run, frame["close"], cfg)


def _real_run(config: str, overrides: list[str]):
    from rtybt.engine.data import load_run_bars

    cfg = load_config(REPO / "configs" / f"{config}.yaml", ["benchmark.enabled=false", *overrides])
    frame = load_run_bars(cfg)[0].frame
    return run_backtest(cfg, frame), frame


@pytest.mark.parametrize(("config", "overrides"), [
    ("ready_to_rally_2025", []),
    ("ma_reclaim", ["data.symbol=RTY=F", "broker.instrument=future", "data.start=2017-01-01"]),
])
def test_the_identity_holds_on_every_bar_of_real_futures_runs(config, overrides, snapshot_dir):
    pos = _real_run(config, overrides)[0].positions
    assert (pos["contracts"] != 0).sum() > 20  # positions were held
    gap = (pos["equity"] - pos["cash"] - pos["margin"] - pos["open_pnl"]).abs()
    assert gap.max() < 1e-6


def test_the_identity_holds_on_an_index_run(snapshot_dir):
    pos = _real_run("ma_reclaim", [])[0].positions
    assert list(pos.columns) == ["^RUT", "cash", "equity"] and (pos["^RUT"] != 0).sum() > 1000
    assert ((pos["equity"] - pos["cash"] - pos["^RUT"]).abs() / pos["equity"]).max() < 1e-12


def test_the_notes_future_with_a_percent_sizer_says_why_it_never_trades(snapshot_dir):
    # One RTY contract (~100,000 notional) never fits 0.5 x 100,000: the strategy enters on the first day of a
    # setup, so every such day is a signal that placed no order.
    result, frame = _real_run("ready_to_rally_2025", ["sizing.method=percent_equity", "sizing.equity_fraction=0.5"])
    assert result.trades.empty
    bar = {d: i for i, d in enumerate(frame.index.date)}
    setups = set(result.setups)
    fresh = [d for d in result.setups if frame.index.date[bar[d] - 1] not in setups]
    assert len(result.setups) == 31 and len(fresh) > 5
    assert list(result.order_issues["signal_date"]) == fresh
    assert result.metrics["signals_not_ordered"] == len(fresh)
    assert result.order_issues["reason"].str.contains("is less than one contract").all()


# -- 3. contract terms per root ---------------------------------------------------------------------------
@pytest.mark.parametrize(("symbol", "multiplier", "tick"), [
    ("RTY=F", 50.0, 0.10), ("ES=F", 50.0, 0.25), ("NQ=F", 20.0, 0.25), ("YM=F", 5.0, 1.0),
    ("CL=F", 1_000.0, 0.01), ("GC=F", 100.0, 0.10), ("MES=F", 5.0, 0.25),
])
def test_contract_terms_come_from_the_symbols_root(symbol, multiplier, tick):
    broker = future(symbol).broker
    assert (broker.multiplier, broker.tick) == (multiplier, tick)
    assert broker.margin == CONTRACTS[contract_root(symbol)].margin
    assert f"{broker.tick:g} slippage, ${multiplier:g}/point" in stated_costs(broker, symbol)
    assert f"futures {contract_root(symbol)} ({CONTRACTS[contract_root(symbol)].name}" in stated_costs(broker, symbol)


def test_the_config_overrides_the_table_term_by_term():
    broker = future("ES=F", tick=0.5, margin=20_000).broker
    assert (broker.multiplier, broker.tick, broker.margin) == (50.0, 0.5, 20_000.0)
    result = run_backtest(future("ES=F", cash=1_000_000, tick=0.5), bars_frame(CLOSES))
    assert result.contract["root"] == "ES" and result.contract["from_config"] == ["tick"]
    assert result.trades.iloc[0].entry_price == pytest.approx(2400.5 + 0.5)  # one tick of 0.5 against the buy


def test_an_unknown_root_needs_its_terms():
    with pytest.raises(ConfigError) as err:
        future("ZZ=F")
    assert str(err.value) == ("test.yaml: broker: unknown futures root 'ZZ' (data.symbol 'ZZ=F'): set "
                              "broker.multiplier, broker.tick, broker.margin, or trade a known root: "
                              + ", ".join(CONTRACTS))
    with pytest.raises(ConfigError, match="set broker.margin,"):
        future("ZZ=F", multiplier=10, tick=0.5)
    broker = future("ZZ=F", multiplier=10, tick=0.5, margin=1_000).broker
    assert (broker.multiplier, broker.tick, broker.margin) == (10.0, 0.5, 1_000.0)


def test_rty_configs_keep_their_hash():
    # The committed RTY=F config states RTY's terms; without them, the table gives the same numbers and hash.
    path = REPO / "configs" / "ready_to_rally_2025.yaml"
    stated = load_config(path)
    raw = load_config(path, ["broker.multiplier=null", "broker.margin=null", "broker.tick=null"])
    assert raw.config_hash() == stated.config_hash()
    index = load_config(REPO / "configs" / "ma_reclaim.yaml").broker
    assert (index.multiplier, index.margin, index.tick) == (50.0, 7_500.0, 0.10)  # inert, in the hash as ever


# -- through the command line ------------------------------------------------------------------------------
def _cli(*args, cwd):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "rtybt.engine.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_signals_not_ordered_reach_the_summary_and_the_files(tmp_path, snapshot_dir):
    import json

    import pandas as pd

    proc = _cli("run", str(REPO / "configs" / "ma_reclaim.yaml"), "--set", "data.symbol=RTY=F",
                "--set", "broker.instrument=future", "--set", "data.start=2017-01-01",
                "--set", "output.tearsheet=false", "--set", "output.plots=false", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "costs: futures RTY (E-mini Russell 2000, CME):" in proc.stdout
    run_dir = tmp_path / proc.stdout.strip().splitlines()[-1].removeprefix("results: ")
    issues = pd.read_csv(run_dir / "order_issues.csv")
    metrics = json.loads((run_dir / "metrics.json").read_text())
    not_ordered = issues[issues["status"] == "Not ordered"]
    assert len(not_ordered) == metrics["strategy"]["signals_not_ordered"] > 0
    assert f"warning: {len(not_ordered)} signal(s) placed no order, first on {not_ordered['signal_date'].iloc[0]}" \
        in proc.stdout
    assert metrics["contract"]["root"] == "RTY" and metrics["contract"]["tick_value"] == 5.0
    positions = pd.read_csv(run_dir / "positions.csv")
    assert list(positions.columns) == ["date", "contracts", "notional", "cash", "margin", "open_pnl", "equity"]


def test_an_unknown_futures_root_is_one_line_exit_2(tmp_path):
    config = tmp_path / "zz.yaml"
    config.write_text("data: {symbol: ZZ=F}\nstrategy: {name: ma_reclaim}\nbroker: {instrument: future, tick: 0.5}\n")
    proc = _cli("run", str(config), cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert f"{config}: broker: unknown futures root 'ZZ' (data.symbol 'ZZ=F'): set broker.multiplier, " \
           "broker.margin, or trade a known root: RTY," in proc.stderr
    assert not (tmp_path / "results").exists()
