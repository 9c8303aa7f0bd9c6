"""The study's verdict: each kind from hand-made intervals, and refusals named."""

from __future__ import annotations

import pytest

from rtybt.engine.analysis.event_study import HorizonStats
from rtybt.engine.analysis.study.cross_market import Interval, PooledHorizon
from rtybt.engine.analysis.study.study_verdict import classify, study_verdict

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


def _row(regime, level, p, dp, scope="^RUT", excess=0.018, ci=(0.0024, 0.0343)):
    return {"scope": scope, "regime": regime, "level": level, "horizon": 20, "clusters": 40, "excess_mean": excess,
            "excess_ci": list(ci), "p_value": p, "difference": 0.01, "difference_ci": [0.001, 0.02],
            "difference_p_value": dp, "p_adjusted": None, "difference_p_adjusted": None}


def test_regime_splits_are_holm_corrected_and_the_notes_setting_is_named():
    from rtybt.engine.analysis.study.study import adjust_family, note_focus
    from rtybt.engine.analysis.study.study_verdict import focus_sentence, regime_sentence

    rows = [_row("trend", "above 200-day MA", 0.30, 0.04), _row("trend", "at or below 200-day MA", 0.021, 0.04),
            _row("vix", "VIX above 20", 0.5, 0.6), _row("vix", "VIX at or below 20", 0.4, 0.6),
            _row("decade", "2000s", 0.2, 0.3), _row("decade", "2010s", 0.6, 0.7)]
    adjust_family(rows)
    below = rows[1]
    assert below["p_adjusted"] == pytest.approx(min(1.0, 6 * 0.021))  # the smallest of six: times six
    assert rows[0]["difference_p_adjusted"] == rows[1]["difference_p_adjusted"]  # one comparison per two-level split
    focus = note_focus("ma_reclaim", {"below_ma_period": 200}, 200)
    assert focus == ("trend", "at or below 200-day MA") and note_focus("ma_reclaim", {}, 200) is None
    text = focus_sentence(rows, focus, "^RUT", 20, 0.95)
    assert "p 0.021, Holm-adjusted p 0.126 over the 6 regime levels tested: not distinguishable" in text
    # The raw difference p 0.04 would have counted alone; after Holm over the 3 comparisons it does not.
    assert "no split's excess differs from the rest's at 95% confidence after Holm's correction" in \
        regime_sentence(rows, "^RUT alone", 20, 0.95)
