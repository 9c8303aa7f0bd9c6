"""Config: unknown keys with did-you-mean at every level, key path and bad value in messages, --set, param specs, costs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rtybt.engine.config import DEFAULT_COSTS, RunConfig, load_config, validate_config
from rtybt.engine.core.errors import ConfigError

BASE = "strategy:\n  name: ma_reclaim\n"


def write(tmp_path: Path, text: str, name: str = "exp.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def error_of(tmp_path, text, overrides=None) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path, overrides)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message[len(str(path)) + 2 :]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("strategi: {name: ma_reclaim}\n", "strategi: unknown key (did you mean 'strategy'?)"),
        (BASE + "data: {symbl: ^RUT}\n", "data.symbl: unknown key (did you mean 'symbol'?)"),
        (BASE + "data: {validation: {ohcl: warn}}\n", "data.validation.ohcl: unknown key (did you mean 'ohlc'?)"),
        (BASE + "broker: {comission_rate: 0.001}\n", "broker.comission_rate: unknown key (did you mean 'commission_rate'?)"),
        (BASE + "sizing: {equity_fracton: 0.5}\n", "sizing.equity_fracton: unknown key (did you mean 'equity_fraction'?)"),
        (BASE + "benchmark: {enable: false}\n", "benchmark.enable: unknown key (did you mean 'enabled'?)"),
        (BASE + "output: {plot: false}\n", "output.plot: unknown key (did you mean 'plots'?)"),
        (BASE + "analysis: {risk_free: 0.01}\n", "analysis.risk_free: unknown key (did you mean 'risk_free_rate'?)"),
        ("strategy: {name: ma_reclaim, params: {ma_perod: 40}}\n",
         "strategy.params.ma_perod: unknown parameter of ma_reclaim (did you mean 'ma_period'?)"),
        ("strategy: {name: ma_reclam}\n", "strategy.name: unknown strategy 'ma_reclam' (did you mean 'ma_reclaim'?)"),
    ],
)
def test_unknown_keys_at_every_level_with_did_you_mean(tmp_path, text, expected):
    assert error_of(tmp_path, text).startswith(expected)


def test_unknown_key_lists_the_allowed_ones(tmp_path):
    assert "allowed: symbol, start, end, dir, validation" in error_of(tmp_path, BASE + "data: {zzz: 1}\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BASE + "broker: {cash: -5}\n", "broker.cash: Input should be greater than 0 (got -5)"),
        (BASE + "broker: {instrument: bond}\n", "broker.instrument: Input should be 'index', 'etf' or 'future' (got 'bond')"),
        (BASE + "data: {start: yesterday}\n", "data.start: "),
        (BASE + "sizing: {equity_fraction: 1.5}\n", "sizing.equity_fraction: Input should be less than or equal to 1 (got 1.5)"),
        (BASE + "data: {validation: {nan: warn}}\n", "data.validation.nan: Input should be 'error' or 'drop' (got 'warn')"),
        ("strategy: {name: ma_reclaim, params: {ma_period: 1}}\n", "strategy.params.ma_period: must be >= 2 bars (got 1)"),
        ("strategy: {name: ma_reclaim, params: {hold_bars: 2.5}}\n", "strategy.params.hold_bars: must be a whole number (got 2.5)"),
        ("strategy: {name: ma_reclaim, params: {ma_period: fifty}}\n", "strategy.params.ma_period: must be a whole number (got 'fifty')"),
        (BASE + "broker: {commission_per_contract: 2.5}\n",
         "broker.commission_per_contract: does not apply to instrument 'index'"),
        (BASE + "broker: {instrument: etf, slippage_ticks: 1}\n", "broker.slippage_ticks: does not apply to instrument 'etf'"),
        (BASE + "broker: {instrument: future, commission_rate: 0.001}\n",
         "broker.commission_rate: does not apply to instrument 'future'"),
        (BASE + "broker: {multiplier: 20}\n", "broker: multiplier=20.0 applies only to instrument 'future'"),
        (BASE + "data: {start: 2020-01-01, end: 2019-01-01}\n", "data: end 2019-01-01 is before start 2020-01-01"),
        (BASE + "sizing: {method: fixed_units}\n", "sizing: fixed_units needs `units`"),
    ],
)
def test_messages_name_the_key_path_and_the_bad_value(tmp_path, text, expected):
    assert error_of(tmp_path, text).startswith(expected)


def test_instrument_cost_rejection_names_the_value(tmp_path):
    assert "(got 2.5)" in error_of(tmp_path, BASE + "broker: {commission_per_contract: 2.5}\n")


@pytest.mark.parametrize("kind", ["index", "etf", "future"])
def test_default_costs_per_instrument_kind(kind):
    symbol = "RTY=F" if kind == "future" else "^RUT"
    broker = validate_config({"data": {"symbol": symbol}, "strategy": {"name": "buy_and_hold"},
                              "broker": {"instrument": kind}}, "t").broker
    for key, value in DEFAULT_COSTS[kind].items():
        assert getattr(broker, key) == value
    other = {"index": "future", "etf": "future", "future": "index"}[kind]
    for key in DEFAULT_COSTS[other]:
        assert getattr(broker, key) is None


def test_default_costs_are_realistic():
    # index 2 bp + 3 bp, ETF 1 bp + 2 bp, futures $2.50/contract + 1 tick (0.10 point = $5 on RTY).
    assert DEFAULT_COSTS == {
        "index": {"commission_rate": 0.0002, "slippage_rate": 0.0003},
        "etf": {"commission_rate": 0.0001, "slippage_rate": 0.0002},
        "future": {"commission_per_contract": 2.5, "slippage_ticks": 1},
    }


def test_strategy_params_take_defaults_and_are_typed(tmp_path):
    config = load_config(write(tmp_path, "strategy: {name: ma_reclaim, params: {ma_period: 40.0}}\n"))
    params = config.strategy.params
    assert (params["ma_period"], params["hold_bars"]) == (40, 3)  # the given one, and a default
    assert isinstance(config.strategy.params["ma_period"], int)


def test_set_overrides_nested_keys_before_validation(tmp_path):
    path = write(tmp_path, BASE + "data: {symbol: ^RUT}\n")
    config = load_config(path, ["strategy.params.ma_period=40", "data.start=2020-01-02", "broker.cash=5e4",
                                "benchmark.enabled=false", "data.symbol=IWM"])
    assert config.strategy.params["ma_period"] == 40
    assert str(config.data.start) == "2020-01-02" and config.broker.cash == 50_000.0
    assert config.benchmark.enabled is False and config.data.symbol == "IWM"


def test_set_creates_missing_sections(tmp_path):
    config = load_config(write(tmp_path, BASE), ["sizing.method=fixed_units", "sizing.units=3",
                                                 "data.validation.ohlc=drop"])
    assert config.sizing.units == 3 and config.data.validation.ohlc == "drop"


def test_set_is_validated_like_the_file(tmp_path):
    assert error_of(tmp_path, BASE, ["strategy.params.ma_period=0"]).startswith(
        "strategy.params.ma_period: must be >= 2 bars (got 0)")
    assert error_of(tmp_path, BASE, ["brokr.cash=1"]).startswith("brokr: unknown key (did you mean 'broker'?)")


@pytest.mark.parametrize("bad", ["strategy.params.ma_period", "=40", "strategy..x=1", "a.=1"])
def test_set_bad_syntax(tmp_path, bad):
    assert "expected KEY.PATH=VALUE" in error_of(tmp_path, BASE, [bad])


def test_set_through_a_value_that_is_not_a_mapping(tmp_path):
    assert "strategy.name is not a mapping" in error_of(tmp_path, BASE, ["strategy.name.x=1"])


def test_name_defaults_to_the_file_stem_and_data_dir_is_relative_to_the_file(tmp_path):
    sub = tmp_path / "configs"
    sub.mkdir()
    config = load_config(write(sub, BASE + "data: {dir: ../data}\n", name="my_exp.yaml"))
    assert config.name == "my_exp" and config.data.dir == str(tmp_path / "data")


def test_resolved_config_loads_again_to_the_same_hash(tmp_path):
    # config.yaml in a run directory lists every key (defaults included): it must be a valid config itself.
    for instrument in ("index", "future"):
        config = load_config(write(tmp_path, BASE + f"data: {{symbol: RTY=F}}\nbroker: {{instrument: {instrument}}}\n"))
        dumped = write(tmp_path, yaml.safe_dump(config.model_dump(mode="json")), name="resolved.yaml")
        assert load_config(dumped).config_hash() == config.config_hash()


def test_config_hash_ignores_where_results_go_but_not_what_is_run(tmp_path):
    a = load_config(write(tmp_path, BASE))
    b = load_config(write(tmp_path, BASE), ["output.dir=elsewhere", "name=other"])
    c = load_config(write(tmp_path, BASE), ["strategy.params.hold_bars=4"])
    assert a.config_hash() == b.config_hash() != c.config_hash()


def test_json_schema_describes_every_section():
    schema = RunConfig.model_json_schema()
    assert set(schema["properties"]) >= {"name", "data", "strategy", "broker", "sizing", "benchmark", "analysis", "output"}
    assert set(schema["properties"]) == set(RunConfig.model_fields)
    assert schema["required"] == ["strategy"]
