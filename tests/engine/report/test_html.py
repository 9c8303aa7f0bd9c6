"""The page shell formats every number by its unit, one way, and gives every page the same head."""

from __future__ import annotations

import math
from datetime import date

from rtybt.engine.report import html as h


def test_numbers_by_unit():
    assert h.fmt(0.05412, "pct") == "5.41%" and h.fmt(-0.3282, "pct") == "−32.82%"
    assert h.fmt(0.0011, "spct") == "+0.11%" and h.fmt(-0.0088, "spct") == "−0.88%"
    assert h.fmt(-0.00004, "pct") == "0.00%" and h.fmt(-0.0004, "pct1") == "0.0%"  # no "-0.0"
    assert h.fmt(0.5051, "ratio") == "0.51" and h.fmt(197.0, "int") == "197" and h.fmt(9685, "int") == "9,685"
    assert h.fmt(40.2, "days") == "40 days" and h.fmt(1, "days") == "1 day"
    assert h.fmt(757345.2, "usd") == "$757,345" and h.fmt(-12.4, "usd") == "−$12"
    assert h.fmt(2050, "price") == "2,050.0" and h.fmt(date(2025, 5, 8)) == "2025-05-08"
    for missing in (None, math.nan):
        assert h.fmt(missing, "pct") == "–"
    assert h.fmt(math.inf) == "∞" and h.fmt(True) == "yes"


def test_page_shell():
    page = h.page("t", "<p>x</p>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<script" not in page and "@media print" in page and ".scroll" in page


def test_tables_scroll_and_align_text_columns():
    out = h.table(["name", "value"], [[h.Cell("a", "text"), "1"]])
    assert out.startswith('<div class="scroll"><table>') and '<th class="text">name</th>' in out


def test_bar_cell():
    cell = h.bar_cell(-0.1, 0.2).html()
    assert 'class="neg"><i style="width:50.0%"' in cell and "−10.0%" in cell
    assert h.bar_cell(None, 0.2).html() == "<td>–</td>"


def test_columns_of_words_are_left_aligned_numbers_right():
    out = h.table(["time frame", "bias", "value", "when"], [["Short-term", "Bullish", "−5.2%", "2025-05-08"],
                                                             ["Medium", "Neutral", "1,234", "2025-05-09"]])
    assert '<th class="text">time frame</th><th class="text">bias</th><th>value</th><th>when</th>' in out
    assert '<td class="text">Bullish</td><td>−5.2%</td>' in out


def test_one_format_per_unit_thousands_and_the_unicode_minus():
    from rtybt.engine.report.html import MINUS, fmt

    assert fmt(14.0204, "pct") == "1,402.04%"
    assert fmt(-14.0204, "spct") == f"{MINUS}1,402.04%"
    assert fmt(-0.00001, "pct") == "0.00%" and fmt(-0.00001, "spct") == "0.00%"  # never "−0.00%"
    assert fmt(9176, "int") == "9,176" and fmt(-0.051, "sratio") == f"{MINUS}0.05"
    assert fmt(0.04213, "p") == "0.042"
    assert all("-" not in fmt(v, k) for v in (-1.5, -1234.5) for k in ("pct", "spct", "ratio", "int", "usd", "price"))
