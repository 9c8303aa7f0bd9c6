"""Twins are tied to their strategies' Param specs: every parameter is read, inert for a stated reason, or declined.

Nothing here is a hand-kept grid: the cases come from the strategies' specs, so a parameter added to a
strategy is covered the day it is added.
"""

from __future__ import annotations

from datetime import date

import pytest

from rtybt.engine.core.errors import ConfigError
from rtybt.engine.twins import TWINS
from rtybt.engine.twins.params import (
    TwinParams,
    TwinSpecError,
    checked_spec,
    decline_reason,
    twin_params,
)
from rtybt.engine.twins.run import run_twin, twin_reason
from rtybt.strategies import STRATEGIES
from rtybt.strategies.params import Param
from tests.conftest import make_config
from tests.engine.twins.synthetic import random_bars


def config(strategy: str, params: dict):
    return make_config(strategy, params)


def other_values(p: Param) -> list:
    """Values of `p` other than its default, from its own spec (some may still be refused by the config)."""
    if p.choices is not None:
        return [c for c in p.choices if c != p.default]
    kind = p.kind
    if kind is bool:
        return [not p.default]
    if kind is date:
        return [date(2020, 1, 2)]
    base = p.default if p.default is not None else (p.min if p.min is not None else 1)
    step = 1 if kind is int else 0.5
    candidates = [base + step, base - step, base + 10 * step, p.min]  # not p.max: a 1,000-bar SMA on 800 bars
    return [kind(v) for v in candidates if v is not None and v != p.default
            and (p.min is None or v >= p.min) and (p.max is None or v <= p.max)]


@pytest.mark.parametrize("strategy", sorted(TWINS))
def test_every_twin_declares_parameters_of_its_own_strategy(strategy):
    planner = TWINS[strategy]
    assert planner.strategy == strategy
    spec = checked_spec(planner)  # raises TwinSpecError on a stale or misspelt name
    assert set(planner.reads) | set(planner.inert) <= set(spec)
    assert all(reason for reason in planner.inert.values())  # inert always says why


CASES = [(name, p.name) for name in sorted(TWINS) for p in STRATEGIES[name].spec]


@pytest.mark.parametrize(("strategy", "param"), CASES)
def test_every_parameter_is_reproduced_or_declined(strategy, param):
    """Set each parameter of the spec away from its default: the twin either runs it and matches Backtrader
    trade for trade, or declines it with a note; a twin that silently ignored it would fail the parity."""
    from rtybt.engine.run import run_backtest
    from rtybt.engine.twins.parity import result_differences

    planner = TWINS[strategy]
    spec = {p.name: p for p in STRATEGIES[strategy].spec}
    declared = set(planner.reads) | set(planner.inert)
    frame = random_bars(3, n=800)
    tried = 0
    for value in other_values(spec[param]):
        try:
            cfg = config(strategy, {param: value})
        except ConfigError:  # a value the config refuses on its own (needs a companion parameter): next one
            continue
        tried += 1
        reason = twin_reason(cfg)
        if param not in declared:
            assert reason is not None and f"{param}=" in reason, reason
            continue
        if reason is None:
            diffs = result_differences(run_backtest(cfg, frame), run_twin(cfg, frame))
            assert diffs == [], f"{strategy} {param}={value!r}: " + "; ".join(diffs)
        else:
            assert reason.startswith(f"{strategy}: ") and reason.endswith("screened by Backtrader")
    # A parameter no single change can set (absolute levels need their dates) is covered by its declaration;
    # an undeclared one must have been seen declined above.
    assert tried > 0 or param in declared


def test_a_parameter_added_to_a_strategy_is_declined_by_its_twin(monkeypatch):
    """The case the hand-kept grids could miss: a new strategy parameter that the twin knows nothing of."""
    cls = STRATEGIES["golden_cross"]
    extra = Param("exit_after_bars", 0, "bars", "a parameter the twin has never heard of", min=0, max=100)
    monkeypatch.setattr(cls, "spec", (*cls.spec, extra))
    checked_spec.cache_clear()
    try:
        planner = TWINS["golden_cross"]
        assert decline_reason(planner, {"fast_period": 5, "slow_period": 20, "exit_after_bars": 0}) is None
        reason = decline_reason(planner, {"fast_period": 5, "slow_period": 20, "exit_after_bars": 7})
        assert reason == "exit_after_bars=7 not reproduced by the vectorised twin"
    finally:
        monkeypatch.undo()
        checked_spec.cache_clear()


def test_a_twin_declaring_a_parameter_its_strategy_lacks_is_an_error():
    class Stale(TWINS["ma_reclaim"]):
        reads = (*TWINS["ma_reclaim"].reads, "hold_days")

    with pytest.raises(TwinSpecError, match="hold_days: not parameters of the strategy"):
        checked_spec(Stale)


def test_a_twin_reads_only_what_it_declared():
    p = twin_params(TWINS["ma_reclaim"], {"ma_period": 20, "hold_bars": 2})
    assert isinstance(p, TwinParams)
    assert (p.ma_period, p.hold_bars, p.below_ma_period, p.stop_pct) == (20, 2, None, None)  # spec defaults
    with pytest.raises(AttributeError, match="does not declare 'hold_days'"):
        _ = p.hold_days
