"""The comparison/sweep page: summary sentence, buy-and-hold row, tearsheet links, ranked values that differ when
ranks differ, DSR and PBO in words, the heatmap and every variant."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from rtybt.engine.analysis.run.comparison import Entry, comparison_table
from rtybt.engine.report.compare.comparison import overfitting_words, write_comparison


class Writer:
    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, name: str) -> Path:
        return self.folder / name

    def write_text(self, name: str, text: str) -> None:
        (self.folder / name).write_text(text, encoding="utf-8")

    def write_json(self, name: str, payload) -> None:
        import json

        self.write_text(name, json.dumps(payload, default=str))


def entries():
    idx = pd.bdate_range("2015-01-01", periods=300)
    rng = np.random.default_rng(1)
    out = []
    for i, sharpe in enumerate((0.5071, 0.5052, 0.30)):
        r = pd.Series(rng.normal(0.0003, 0.01, 300), index=idx)
        out.append(Entry(f"v{i}", "ma_reclaim", {"ma_period": 10 * (i + 1), "stop_pct": None}, "^RUT",
                         {"cagr": 0.05 - i * 0.01, "sharpe": sharpe, "max_drawdown": -0.3, "trades": 40}, r))
    return out


def test_page_answers_and_links(tmp_path):
    es = entries()
    table = comparison_table(es, "sharpe")
    bench = ("buy & hold ^RUT", es[0].returns * 0.5)
    write_comparison(Writer(tmp_path), es, table, "compare", "sharpe", bench,
                     benchmark_metrics={"cagr": 0.07, "sharpe": 0.44, "max_drawdown": -0.59, "trades": 0},
                     links={"v0": "../../v0/run/tearsheet.html"}, heatmap_png=b"\x89PNG\r\n\x1a\nfake")
    page = (tmp_path / "comparison.html").read_text()
    assert '<meta name="viewport"' in page
    assert "Ranked by Sharpe, v0 comes first of 3 (Sharpe 0.507," in page
    assert "Buy &amp; hold ^RUT had Sharpe 0.440 and CAGR 7.00%: 2 of 3 were above it on Sharpe, 0 on CAGR (point estimates, not a test" in page
    assert '<tr class="bench">' in page and "buy &amp; hold ^RUT</td>" in page
    assert '<a href="../../v0/run/tearsheet.html">v0</a>' in page
    ranked = re.findall(r"<td><b>([^<]+)</b></td>", page)
    assert ranked == ["0.507", "0.505", "0.300"]  # ranks 1 and 2 never print the same value
    assert "None" not in page and "stop_pct off" in page
    assert page.count("<img") == 2  # heatmap and curves


def test_overfitting_in_words():
    words = overfitting_words({"deflated_sharpe": 0.999, "trials": 40, "deflated_sharpe_vs_benchmark": 0.62},
                              {"pbo": 0.51, "blocks": 16, "splits": 12870},
                              {"word": "not more than luck", "text": "The best of 40 variants is not distinguishable."})
    assert "Deflated Sharpe ratio 0.999</b> against zero skill" in words and "<b>0.620</b>" in words
    assert "Probability of backtest overfitting 0.510" in words and "coin toss" in words
    # The old page called a deflated Sharpe against zero "strong evidence ... more than luck": no longer.
    assert "Strong evidence" not in words and "edge over zero skill" not in words
    assert 'class="status verdict-word">not more than luck<' in words and 'href="#how-we-judge"' in words


def test_every_variant_listed_with_the_csv_linked(tmp_path):
    es = entries()
    table = comparison_table(es, "sharpe")
    variants = table.assign(ma_period=[10, 20, 30])
    write_comparison(Writer(tmp_path), es[:2], comparison_table(es[:2], "sharpe"), "sweep", "sharpe",
                     variants=variants, variant_params=["ma_period"])
    page = (tmp_path / "comparison.html").read_text()
    assert "comes first of 3 " in page  # of every variant, not of the 2 shown
    assert "Every variant" in page and '<a href="sweep.csv">sweep.csv</a>' in page
    section = page[page.index("Every variant"):]
    main, fold = section.split('<details class="fold">', 1)
    assert main.count("<tr>") == 1 + 3  # header and every variant; Sortino and Calmar fold under it
    assert fold[:fold.index("</details>")].count("<tr>") == 1 + 3
