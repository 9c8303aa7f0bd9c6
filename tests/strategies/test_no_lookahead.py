"""No look-ahead: every registered strategy, cut at 20+ dates, repeats the full run's orders up to each cut."""

from __future__ import annotations

from datetime import date

import pytest

from rtybt.engine.data import load_bars
from rtybt.engine.run.lookahead import CUTS, cut_positions, lookahead_differences, synthetic_bars
from rtybt.strategies import STRATEGIES
from rtybt.strategies.base import NoteStrategy
from tests.conftest import make_config

# CUTS: 20 cut dates on ^RUT and 10 on the synthetic series. A cut run costs its length, so the series are
# only as long as needed: the warm-up (260 bars) plus six years of cuts.


def cases():
    """Every registered strategy with its defaults, plus the parameter sets it lists in `variants`."""
    for name, cls in sorted(STRATEGIES.items()):
        for variant in ({}, *getattr(cls, "variants", ())):
            label = name + "".join(f"-{k}={v}" for k, v in variant.items())
            yield pytest.param(name, variant, id=label)


def config_for(name: str, params: dict):
    # Default costs and percent-of-equity sizing: sizing from the signal bar's equity is checked too.
    return make_config(name, params, source="lookahead")


# Session scope, not module: the frames cost a fraction of a second, and a module-scoped fixture would tie the
# module's 20 long tests to one xdist worker (tests/conftest.py); each worker builds them once instead.
@pytest.fixture(scope="session")
def rut_frame(snapshot_dir):
    # Six years of real bars: the 2015-16 sell-off, the 2016-17 trend, the late-2018 crash, ranges.
    bars = load_bars("^RUT", snapshot_dir, None, date(2013, 1, 1), date(2018, 12, 31), allow_download=False)
    return bars.frame


@pytest.fixture(scope="session")
def synthetic_frame():
    return synthetic_bars(600, seed=20250508)


@pytest.mark.parametrize("name, variant", list(cases()))
@pytest.mark.parametrize("series", ["rut", "synthetic"])
def test_orders_before_a_cut_do_not_depend_on_later_bars(name, variant, series, rut_frame, synthetic_frame):
    frame = rut_frame if series == "rut" else synthetic_frame
    config = config_for(name, variant)
    cuts = cut_positions(len(frame), CUTS[series])
    assert len(cuts) == CUTS[series]
    problems = lookahead_differences(STRATEGIES[name], config.strategy.params, frame, config, cuts)
    assert problems == [], f"{name} {variant} looks ahead on {series}:\n" + "\n".join(problems[:5])


class PeekingStrategy(NoteStrategy):
    """Deliberately wrong: buys when the *next* bar closes higher, sells when it closes lower."""

    name = "peeking"

    def next(self):
        if len(self.data) >= self.data.buflen():
            return  # no next bar to peek at (the last bar of the data it was given)
        up = self.data.close[1] > self.data.close[0]
        if self.busy:
            return
        if not self.position and up:
            self.enter_long()
        elif self.position and not up:
            self.exit_position()


def test_the_harness_catches_a_strategy_that_reads_the_next_bar(synthetic_frame):
    config = config_for("buy_and_hold", {})
    cuts = cut_positions(len(synthetic_frame), 20)
    problems = lookahead_differences(PeekingStrategy, {}, synthetic_frame, config, cuts)
    # the peek changes the decision on a cut's last bar about half the time: many cuts must be flagged
    assert len(problems) >= 5, problems
    assert all("created differ" in p or "fills differ" in p or "setups differ" in p for p in problems)


def test_the_harness_passes_an_honest_strategy_that_uses_the_same_rule_one_bar_late(synthetic_frame):
    # Control: the same rule on the bar just closed (no peek) must pass, so the catch above is the peek's.
    class Honest(PeekingStrategy):
        def next(self):
            if len(self) < 2:
                # On the first bar, close[-1] of a preloaded feed wraps around to the *last* bar: a real
                # Backtrader look-ahead trap, which this harness caught in an earlier version of this test.
                return
            up = self.data.close[0] > self.data.close[-1]
            if self.busy:
                return
            if not self.position and up:
                self.enter_long()
            elif self.position and not up:
                self.exit_position()

    config = config_for("buy_and_hold", {})
    cuts = cut_positions(len(synthetic_frame), 20)
    assert lookahead_differences(Honest, {}, synthetic_frame, config, cuts) == []
