"""The pure comparison on hand-made records: tolerances, exact fields, first divergence, data refusal."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from rtybt.engine.core.errors import ConfigError
from rtybt.engine.regress.compare import DATA_CHANGED, OK, REGRESSION, compare
from rtybt.engine.regress.record import TRADE_COLUMNS, decode_year, encode_returns
from rtybt.engine.regress.store import Tolerances, dump_baseline, load_tolerances

DATES = pd.to_datetime(["2019-12-30", "2019-12-31", "2020-01-02", "2020-01-03", "2020-01-06"])
RETURNS = pd.Series([0.0, 0.01, -0.02, 0.0, 0.005], index=DATES)


def record(returns=RETURNS, total=0.123, trades=None, sha="a" * 64):
    trades = trades if trades is not None else [
        ["closed", "long", "2019-12-30", "2019-12-31", 100.0, "2020-01-02", "2020-01-03", 101.0, 10.0,
         10.0, 0.4, 9.6, 0.0096, 2],
    ]
    return {
        "schema": 1, "config": "configs/x.yaml", "name": "x", "config_hash": "h1",
        "resolved_config": {"strategy": {"params": {"ma_period": 50}}}, "versions": {"pandas": "3.1.1"},
        "data": [{"role": "traded", "symbol": "^RUT", "file": "^RUT.csv", "sha256": sha,
                  "first_date": "2019-12-30", "last_date": "2020-01-06", "rows": 5}],
        "metrics": {"total_return": total, "trades": len(trades)},
        "benchmark": None,
        "trade_columns": list(TRADE_COLUMNS),
        "trades": trades,
        "returns": encode_returns(returns),
    }


def test_identical_records_hold():
    verdict = compare(record(), record(), Tolerances(), "x")
    assert verdict.status == OK and verdict.moved == []


@pytest.mark.parametrize(("rel_change", "status"), [(1e-10, OK), (1e-8, REGRESSION)])
def test_default_relative_tolerance_is_1e9(rel_change, status):
    verdict = compare(record(), record(total=0.123 * (1 + rel_change)), Tolerances(), "x")
    assert verdict.status == status
    if status == REGRESSION:
        (m,) = verdict.moved
        assert m.what == "metrics.total_return" and m.rel_diff == pytest.approx(1e-8, rel=1e-3)
        assert m.tolerance == "rel 1e-09"


def test_per_config_tolerance_beats_the_field_and_default(tmp_path):
    path = tmp_path / "tol.yaml"
    path.write_text("default: {rel: 1.0e-9}\nfields: {metrics: {rel: 1.0e-9}}\n"
                    "configs: {x: {metrics.total_return: {rel: 1.0e-6}}}\n")
    tols = load_tolerances(path)
    moved = record(total=0.123 * (1 + 1e-7))
    assert compare(record(), moved, tols, "x").status == OK
    assert compare(record(), moved, tols, "other").status == REGRESSION


@pytest.mark.parametrize(("text", "needle"), [
    ("fields: {trades.entry_date: {rel: 0.1}}\n", "fields.trades.entry_date: no tolerance can be set for this field (counts and dates are compared exactly)"),
    ("fields: {metrics.sharp: {rel: 0.1}}\n", "did you mean 'metrics.sharpe'"),
    ("default: {rel: -1}\n", "default.rel"),
])
def test_bad_tolerance_file_names_the_key(tmp_path, text, needle):
    path = tmp_path / "tol.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=str(path)) as err:
        load_tolerances(path)
    assert needle in str(err.value)


def test_trade_dates_are_exact_and_the_first_diverging_trade_is_named():
    base = record()
    now = copy.deepcopy(base)
    now["trades"][0][TRADE_COLUMNS.index("exit_date")] = "2020-01-06"
    verdict = compare(base, now, Tolerances(default={"rel": 0.5}), "x")
    (m,) = verdict.moved
    assert (m.what, m.baseline, m.current) == ("trades.exit_date", "2020-01-03", "2020-01-06")
    assert m.where == "trade #1 (entered 2019-12-31); 1 trade(s) differ"


def test_extra_trade_is_a_count_change_with_its_entry_named():
    base = record()
    now = copy.deepcopy(base)
    now["trades"].append(["open", "long", "2020-01-03", "2020-01-06", 102.0, None, None, None, 10.0,
                          0.0, 0.2, -0.2, -0.0002, 0])
    verdict = compare(base, now, Tolerances(), "x")
    count = next(m for m in verdict.moved if m.what == "trades.count")
    assert (count.baseline, count.current) == (1, 2)
    assert count.where == "trade #2 (entered 2020-01-06) new"


def test_first_diverging_date_is_located_across_years():
    moved = RETURNS.copy()
    moved.iloc[3] = 1e-6  # 2020-01-03: zero in the baseline
    dates = [str(d.date()) for d in DATES]
    verdict = compare(record(), record(returns=moved), Tolerances(fields={"returns": {"rel": 1e-9, "abs": 1e-12}}),
                      "x", dates)
    (m,) = verdict.moved
    assert m.what == "returns.daily" and m.current == "1 day(s) moved"
    assert m.where == "first diverging date 2020-01-03: 0 -> 1e-06"
    # Below the absolute floor, a zero-return day holds.
    moved.iloc[3] = 1e-13
    assert compare(record(), record(returns=moved), Tolerances(fields={"returns": {"rel": 1e-9, "abs": 1e-12}}),
                   "x", dates).status == OK


def test_changed_data_is_refused_not_reported_as_regression():
    verdict = compare(record(), record(total=0.5, sha="b" * 64), Tolerances(), "x")
    assert verdict.status == DATA_CHANGED and verdict.moved == []
    assert verdict.message.startswith(f"refusing to compare: data file ^RUT.csv changed (sha256 {'a' * 12}… in "
                                      f"the baseline, {'b' * 12}… now); restore the frozen snapshot")
    assert verdict.message.endswith("re-create the baseline with `rtybt regress --update configs/x.yaml`")


def test_returns_round_trip_at_12_significant_digits():
    values = pd.Series([0.1 + 0.2, -1 / 3, 0.0, 2.0 ** -40], index=pd.bdate_range("2021-01-01", periods=4))
    block = encode_returns(values)
    assert block["bars"] == 4 and list(block["years"]) == ["2021"]
    decoded = decode_year(block["years"]["2021"])
    assert decoded == pytest.approx(values.to_numpy(), rel=5e-12, abs=0)
    assert block["years"]["2021"]["values"].split()[0] == "0.3"  # 0.30000000000000004 at 12 digits


def test_dump_is_stable_json_with_one_line_per_trade_and_year():
    import json

    text = dump_baseline(record())
    assert json.loads(text) == record()
    assert text == dump_baseline(json.loads(text))
    lines = text.splitlines()
    assert any(line.strip().startswith('["closed", "long", "2019-12-30"') for line in lines)
    assert sum('"values":' in line for line in lines) == 2  # 2019 and 2020


def test_each_moved_trade_column_gets_its_first_trade_and_count():
    trade = ["closed", "long", "2019-12-30", "2019-12-31", 100.0, "2020-01-02", "2020-01-03", 101.0, 10.0,
             10.0, 0.4, 9.6, 0.0096, 2]
    base = record(trades=[list(trade), list(trade), list(trade)])
    now = copy.deepcopy(base)
    size, commission = TRADE_COLUMNS.index("size"), TRADE_COLUMNS.index("commission")
    now["trades"][1][size] = 11.0
    now["trades"][2][size] = 12.0
    now["trades"][0][commission] = 0.6
    verdict = compare(base, now, Tolerances(), "x")
    rows = [(m.what, m.baseline, m.current, m.where) for m in verdict.moved]
    assert rows == [
        ("trades.commission", 0.4, 0.6, "trade #1 (entered 2019-12-31); 1 trade(s) differ"),
        ("trades.size", 10.0, 11.0, "trade #2 (entered 2019-12-31); 2 trade(s) differ"),
    ]
    assert verdict.message == "2 value(s) moved beyond tolerance; trade #1 (entered 2019-12-31); 1 trade(s) differ"
