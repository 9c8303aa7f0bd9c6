"""Every page ends with the one "How rtybt judges" section, generated from the standard, and a changed threshold
reaches it; verdict words on a page are the standard's words."""

from __future__ import annotations

import re

from rtybt.engine.analysis import standard
from rtybt.engine.report import html as h


def test_every_page_carries_the_section_from_the_standard():
    page = h.page("t", "<p>body</p>")
    assert page.count('id="how-we-judge"') == 1
    for para in standard.how_we_judge():
        assert h.esc(para) in page


def test_a_changed_threshold_reaches_the_section(monkeypatch):
    before = h.how_we_judge_section()
    monkeypatch.setattr(standard, "MIN_EPISODES", 25)
    monkeypatch.setattr(standard, "CONFIDENCE", 0.9)
    after = h.how_we_judge_section()
    assert after != before and "at least 25 independent episodes" in after and "90% interval" in after


def verdict_words(page: str) -> list[str]:
    return re.findall(r'class="[^"]*verdict-word[^"]*">([^<]*)<', page)


def test_verdict_card_words_are_the_standards():
    import numpy as np

    from rtybt.engine.analysis.run.verdict import judge
    from rtybt.engine.report.run.sections import verdict_card
    from tests.engine.analysis.synthetic_markets import paired_returns

    for edge, seed in ((2.0, 1), (0.0, 3), (-2.0, 2)):
        s, b = paired_returns(np.random.default_rng(seed), days=1200, edge_sharpe=edge)
        m = {"cagr": 0.05, "sharpe": 0.4, "max_drawdown": -0.2, "exposure": 1.0, "trades": 20}
        v = judge("x", "^RUT", "a", "b", m, m, "^RUT", None, 20, s, b, seed=seed)
        card = verdict_card(v, "^RUT", 20, 0.95)
        words = verdict_words(card)
        assert words and all(h.esc(w) in [h.esc(x) for x in standard.WORDS] for w in words), words
        assert 'href="#how-we-judge"' in card
