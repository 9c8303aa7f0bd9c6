"""The study's verdict: each kind from hand-made intervals, and refusals named."""

from __future__ import annotations

import pytest

from rtybt.engine.analysis.cross_market import Interval, PooledHorizon
from rtybt.engine.analysis.event_study import HorizonStats
from rtybt.engine.analysis.study_verdict import classify, study_verdict

EDGE, FLAT, REFUSED = (0.01, (0.002, 0.02)), (0.0, (-0.01, 0.01)), (0.01, (None, None))


def market(kind) -> HorizonStats:
    excess, ci = kind
    judged = ci[0] is not None
    return HorizonStats(20, 50, 40 if judged else 5, 0.02, 0.02, 0.6, (None, None), (None, None), 1000, 0.01, 0.01,
                        0.55, excess, ci, 0.01 if judged else None, bool(judged and ci[0] > 0))


def pooled(excess=FLAT, diff=FLAT) -> PooledHorizon:
    def interval(kind):
        low, high = kind[1]
        p = None if low is None else 0.01 if (low > 0 or high < 0) else 0.5
        return Interval(kind[0], kind[1], p, 60)

    return PooledHorizon(20, 200, 150, 0.02, 0.01, interval(excess), "^RUT", 0.01, 0.0, interval(diff), 30, 40)


@pytest.mark.parametrize(("edges", "pool", "kind", "claim"), [
    ({"^RUT": EDGE, "IWM": EDGE, "SPY": EDGE, "QQQ": EDGE}, pooled(EDGE), "shared", "is shared by all 4 markets"),
    ({"^RUT": EDGE, "IWM": EDGE, "SPY": FLAT, "QQQ": FLAT}, pooled(EDGE), "small caps",
     "is specific to small caps: it shows on ^RUT and IWM but not on SPY and QQQ"),
    ({"^RUT": EDGE, "IWM": FLAT, "SPY": FLAT, "QQQ": FLAT}, pooled(FLAT, EDGE), "traded only",
     "is specific to ^RUT: it shows there but not on IWM, SPY and QQQ"),
    ({"^RUT": FLAT, "IWM": FLAT, "SPY": EDGE, "QQQ": FLAT}, pooled(), "some", "shows on SPY only, not on ^RUT, IWM and QQQ"),
    ({"^RUT": FLAT, "IWM": FLAT, "SPY": FLAT, "QQQ": FLAT}, pooled(EDGE), "pooled only",
     "shows on no single market, but pooled across all 4 the setups beat the baseline"),
    ({"^RUT": FLAT, "IWM": FLAT, "SPY": FLAT, "QQQ": FLAT}, pooled(), "absent",
     "is absent everywhere: no market's setups beat their own baseline, nor do the 4 pooled"),
    ({"^RUT": FLAT, "IWM": REFUSED, "SPY": FLAT, "QQQ": FLAT}, pooled(), "absent",
     "is absent wherever it can be judged: no judged market's setups beat their own baseline, nor do the 4 pooled; "
     "IWM cannot be judged (fewer than 10 clusters)"),
    ({"^RUT": REFUSED, "SPY": REFUSED}, pooled(REFUSED, REFUSED), "unjudged",
     "cannot be judged: neither any market's setups nor the 2 pooled form the 10 clusters an interval needs."),
])
def test_verdict_kind_and_claim(edges, pool, kind, claim):
    markets = {s: market(k) for s, k in edges.items()}
    assert classify(markets, pool)[0] == kind
    got_kind, sentence = study_verdict(markets, pool, 20, 0.95)
    assert got_kind == kind
    assert sentence.startswith(f"The setup's 20-session edge {claim}")


def test_the_traded_symbols_difference_is_stated_with_its_interval():
    markets = {"^RUT": market(EDGE), "SPY": market(FLAT)}
    _, sentence = study_verdict(markets, pooled(FLAT, EDGE), 20, 0.95)
    assert sentence.endswith("^RUT's excess minus the others' +1.00%, 95% CI +0.20% to +2.00%, p = 0.010: "
                             "a difference).")
    _, sentence = study_verdict(markets, pooled(FLAT, REFUSED), 20, 0.95)
    assert sentence.endswith("^RUT against the others cannot be judged (too few clusters on one side)).")
