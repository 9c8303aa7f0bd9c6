"""A comparison's ranks are tested: each rank against the next on the paired returns, Holm-corrected."""

from __future__ import annotations

import numpy as np

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.run.comparison import Entry, comparison_table, rank_gaps, rank_sentence
from tests.engine.analysis.synthetic_markets import paired_returns


def entries(edge: float, seed: int = 0):
    s, b = paired_returns(np.random.default_rng(seed), days=2520, edge_sharpe=edge)
    out = []
    for label, r in (("a", s), ("b", b)):
        m = {"sharpe": float(r.mean() / r.std() * 252 ** 0.5), "cagr": 0.05}
        out.append(Entry(label, "x", {}, "^RUT", m, r, "run now"))
    return out


def test_a_noise_gap_is_not_distinguishable_and_a_planted_one_held():
    for edge, word in ((0.0, standard.CLAIM_NOT_DISTINGUISHABLE), (3.0, standard.HELD)):
        es = entries(edge, seed=5)
        table = comparison_table(es, "sharpe")
        gaps = rank_gaps(es, table, "sharpe")
        assert len(gaps) == 1 and gaps[0]["word"] == word, gaps
        assert gaps[0]["higher"] == table.iloc[0]["label"]
        assert gaps[0]["low"] < gaps[0]["difference"] < gaps[0]["high"]
    assert "ahead beyond noise" in rank_sentence(gaps)


def test_three_ranks_are_two_gaps_corrected_together():
    es = entries(0.0, seed=2)
    third = Entry("c", "x", {}, "^RUT", {"sharpe": -1.0}, es[1].returns * 0.5 + es[0].returns * 0.5, "run now")
    es.append(third)
    gaps = rank_gaps(es, comparison_table(es, "sharpe"), "sharpe")
    assert len(gaps) == 2 and all(g["p_adjusted"] >= g["p_value"] for g in gaps)
    assert rank_gaps(es, comparison_table(es, "sharpe"), "trades") == []
