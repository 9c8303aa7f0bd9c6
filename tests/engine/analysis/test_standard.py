"""The one standard of evidence: words chosen by intervals, family corrections checked by hand."""

import pytest

from rtybt.engine.analysis import standard as S


def ev(est, low, high, p=0.01, n=30, p_adj=None):
    return S.Evidence(est, low, high, p, n, p_adjusted=p_adj)


def test_sign_follows_the_interval_and_the_episode_minimum():
    assert ev(0.1, 0.02, 0.2).sign() == 1
    assert ev(-0.1, -0.2, -0.02).sign() == -1
    assert ev(0.05, -0.01, 0.1, p=0.2).sign() == 0
    assert ev(0.1, 0.02, 0.2, n=S.MIN_EPISODES - 1).sign() is None
    assert ev(0.1, None, None, p=None).sign() is None
    # a family correction that lifts p above alpha removes the difference
    assert ev(0.1, 0.02, 0.2, p=0.01, p_adj=0.2).sign() == 0


@pytest.mark.parametrize("signs, word", [
    ([1, 0, 0], S.PAID_OFF), ([-1, 0], S.DID_NOT_PAY_OFF), ([1, -1], S.MIXED),
    ([0, 0, 0], S.NOT_DISTINGUISHABLE), ([None, None], S.NOT_ENOUGH), ([None, 0], S.NOT_DISTINGUISHABLE),
])
def test_strategy_word(signs, word):
    mk = {1: ev(0.1, 0.01, 0.2), -1: ev(-0.1, -0.2, -0.01), 0: ev(0.0, -0.1, 0.1, p=0.9), None: ev(0.1, 0.0, 0.2, n=2)}
    assert S.strategy_word([mk[s] for s in signs]) == word
    assert S.strategy_word([mk[s] for s in signs], lookahead=True) == S.LOOKAHEAD


def test_claim_word_respects_the_claimed_side():
    up, down = ev(0.1, 0.01, 0.2), ev(-0.1, -0.2, -0.01)
    assert S.claim_word(up) == S.HELD and S.claim_word(down) == S.DID_NOT_HOLD
    assert S.claim_word(down, claimed_sign=-1) == S.HELD
    assert S.claim_word(ev(0.0, -0.1, 0.1, p=0.9)) == S.CLAIM_NOT_DISTINGUISHABLE
    assert S.claim_word(ev(0.1, 0.01, 0.2, n=3)) == S.NOT_ENOUGH


def test_holm_by_hand():
    # sorted p: 0.01 (x4 = 0.04), 0.02 (x3 = 0.06), 0.03 (x2 = 0.06 running max), 0.5 (x1 -> 0.5)
    got = S.holm([0.03, 0.01, 0.5, 0.02, None])
    assert got[4] is None
    assert got[:4] == pytest.approx([0.06, 0.04, 0.5, 0.06])


def test_benjamini_hochberg_by_hand():
    # m = 4: sorted 0.01*4/1 = 0.04, 0.02*4/2 = 0.04, 0.03*4/3 = 0.04, 0.5*4/4 = 0.5
    assert S.benjamini_hochberg([0.03, 0.01, 0.5, 0.02]) == pytest.approx([0.04, 0.04, 0.5, 0.04])
    assert S.adjust([0.01, 0.04], "bh") == pytest.approx([0.02, 0.04])
    with pytest.raises(ValueError):
        S.adjust([0.1], "bonferroni")


def test_tone_is_grey_unless_significant():
    assert S.tone(ev(0.1, 0.01, 0.2)) == "good"
    assert S.tone(ev(-0.1, -0.2, -0.01)) == "bad"
    assert S.tone(ev(0.1, -0.01, 0.2, p=0.1)) == "neutral"
    assert S.tone(ev(0.1, 0.01, 0.2, n=1)) == "neutral"


def test_how_we_judge_defines_every_word_from_the_constants(monkeypatch):
    text = " ".join(S.how_we_judge())
    for word in S.WORDS:
        assert f"“{word}”" in text
    monkeypatch.setattr(S, "MIN_EPISODES", 25)
    monkeypatch.setattr(S, "CONFIDENCE", 0.9)
    text = " ".join(S.how_we_judge())
    assert "at least 25 independent episodes" in text and "90% interval" in text


def test_a_share_carries_its_count_and_interval_or_a_refusal(monkeypatch):
    from rtybt.engine.analysis import standard

    text = standard.share_words(14, 20)
    assert text.startswith("14 of 20 (70%, 95% interval ") and "%" in text.split("interval ")[1]
    low, high = standard.share_interval(14, 20)
    assert low < 0.61 < high  # the analogs' 70% of 20 does not exclude a 61% base rate
    assert standard.share_words(2, 2) == "2 of 2: too few episodes (10 needed)"
    monkeypatch.setattr(standard, "MIN_EPISODES", 25)
    assert standard.share_words(14, 20) == "14 of 20: too few episodes (25 needed)"
