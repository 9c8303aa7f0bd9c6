"""No look-ahead, by perturbing the future: every registered strategy must take the same decisions up to
bar k whatever the bars after k are. A deliberately peeking strategy (next bar's close) is caught.

For each cut bar k, the bars after k are replaced by a different seeded path; the setups and orders
signalled on bars <= k must be identical to those of the unperturbed run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rtybt.engine.config import ValidationPolicy, validate_config
from rtybt.engine.data import load_bars
from rtybt.engine.run import run_strategy
from rtybt.strategies import STRATEGIES
from rtybt.strategies.base import NoteStrategy


class PeeksAtTomorrow(NoteStrategy):
    """Test-only: buys when the NEXT bar's close is higher (look-ahead the harness must catch)."""

    name = "peeks_at_tomorrow"

    def next(self):
        if len(self.data) >= len(self.data.array):  # no tomorrow on the last bar
            return
        tomorrow_up = self.data.close[1] > self.data.close[0]
        if tomorrow_up:
            self.mark_setup()
        if self.busy:
            return
        if not self.position and tomorrow_up:
            self.enter_long()
        elif self.position and not tomorrow_up:
            self.exit_position()


CONFIG = validate_config({
    "strategy": {"name": "buy_and_hold"},
    "broker": {"cash": 1e7, "commission_rate": 0.0, "slippage_rate": 0.0},
    "sizing": {"method": "fixed_units", "units": 1},
    "benchmark": {"enabled": False},
}, "future-blind")


def synthetic(n: int, seed: int, start_price: float = 1000.0, start="2000-01-03", cycle: float = 0.0) -> pd.DataFrame:
    """A seeded random walk; `cycle` adds a yearly swing so that slow crosses (50/200) happen too."""
    rng = np.random.default_rng(seed)
    swing = cycle * np.sin(2 * np.pi * np.arange(n) / 250)
    close = start_price * np.exp(np.cumsum(rng.normal(0.0, 0.012, n)) + swing)
    open_ = np.concatenate([[start_price], close[:-1]]) * np.exp(rng.normal(0, 0.004, n))
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.01, n))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.01, n))
    return pd.DataFrame({"open": open_, "high": high, "low": low, "close": close, "volume": 1e6},
                        index=pd.bdate_range(start, periods=n))


def perturb_after(frame: pd.DataFrame, k: int, seed: int) -> pd.DataFrame:
    """Bars 0..k kept; every bar after k replaced by another path starting from bar k's close."""
    future = synthetic(len(frame) - k - 1, seed, start_price=float(frame["close"].iloc[k]))
    out = frame.copy()
    out.iloc[k + 1:] = future.to_numpy()
    return out


def decisions_until(strategy_cls, params, frame: pd.DataFrame, k: int, run=None):
    """The setups, orders and refusals signalled on bars <= k of a run on `frame` (`run`: that run, if done)."""
    run = run if run is not None else run_strategy(strategy_cls, params, frame, CONFIG, "X")
    last = frame.index[k].date()
    setups = [d for d in run.setups if d <= last]
    orders = [(f["signal_date"], f["side"], f["size"]) for f in run.fills if f["signal_date"] <= last]
    refused = [(o["signal_date"], o["side"]) for o in run.order_issues if o["signal_date"] <= last]
    return setups, orders, refused


def default_params(cls) -> dict:
    return {p.name: p.default for p in cls.spec}


@pytest.fixture(scope="session")  # cheap: once per xdist worker, the tests spread over the workers
def series(snapshot_dir):
    rut = load_bars("^RUT", snapshot_dir, ValidationPolicy(), pd.Timestamp("2019-01-01").date(),
                    pd.Timestamp("2021-12-31").date()).frame
    return {"^RUT 2019-2021": rut, "synthetic seed 3": synthetic(900, seed=3, cycle=0.25)}


def assert_future_blind(strategy_cls, params, frame, cuts, seed=101) -> int:
    """Returns how many decisions were compared (so a test can insist there were some)."""
    compared = 0
    unperturbed = run_strategy(strategy_cls, params, frame, CONFIG, "X")  # the same run for every cut: once
    for i, k in enumerate(cuts):
        base = decisions_until(strategy_cls, params, frame, k, unperturbed)
        moved = decisions_until(strategy_cls, params, perturb_after(frame, k, seed + i), k)
        assert base == moved, f"decisions up to bar {k} ({frame.index[k].date()}) changed with the future"
        compared += sum(len(part) for part in base)
    return compared


STRATEGY_NAMES = sorted(STRATEGIES)


@pytest.mark.parametrize("name", STRATEGY_NAMES)
@pytest.mark.parametrize("which", ["^RUT 2019-2021", "synthetic seed 3"])
def test_every_strategy_is_blind_to_the_future(series, name, which):
    frame = series[which]
    cls = STRATEGIES[name]
    n = len(frame)
    compared = assert_future_blind(cls, default_params(cls), frame, cuts=[int(n * 0.55), int(n * 0.8)])
    assert compared > 0, "nothing was decided before the cuts: the check would be empty"


def test_the_harness_catches_a_peeking_strategy(series):
    frame = series["synthetic seed 3"]
    n = len(frame)
    with pytest.raises(AssertionError, match="changed with the future"):
        assert_future_blind(PeeksAtTomorrow, {}, frame, cuts=[int(n * 0.55), int(n * 0.8)])


def test_every_registered_strategy_is_covered():
    assert len(STRATEGY_NAMES) >= 3 and "ma_reclaim" in STRATEGY_NAMES and "rsi_momentum" in STRATEGY_NAMES
