"""The study page's forest plot: an interval for every judged row, none where the table refuses one."""

from __future__ import annotations

import numpy as np

from rtybt.engine.analysis.study.study import RegimeSpec, analyse_study
from rtybt.engine.report.run.figures import pyplot
from rtybt.engine.report.study.page import FOREST_DPI, forest_figure, forest_png
from tests.engine.analysis.synthetic_markets import correlated_markets


def test_forest_draws_intervals_only_where_the_table_has_them():
    rng = np.random.default_rng(8)
    closes, setups = correlated_markets(rng, ["^RUT", "SPY", "QQQ"], bars=3000, market_day=0.01, own_day=0.003)
    setups["QQQ"] = setups["QQQ"][:6]  # too few clusters: the table refuses QQQ's interval
    analysis = analyse_study(closes, setups, "^RUT", None, RegimeSpec(by=[]), horizons=(20,), n_boot=300)
    assert analysis.markets["QQQ"].horizon(20).excess_ci == (None, None)
    fig = forest_figure(analysis)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["pooled (3 markets)", "QQQ", "SPY", "^RUT"]  # bottom to top
    intervals = {labels[int(line.get_ydata()[0])]: tuple(line.get_xdata() / 100) for line in ax.lines
                 if len(line.get_xdata()) == 2 and line.get_xdata()[0] != line.get_xdata()[1]}
    assert set(intervals) == {"^RUT", "SPY", "pooled (3 markets)"}
    for symbol in ("^RUT", "SPY"):
        assert np.allclose(intervals[symbol], analysis.markets[symbol].horizon(20).excess_ci)
    assert np.allclose(intervals["pooled (3 markets)"], analysis.pooled_at(20).excess.ci)
    dots = [line for line in ax.lines if len(line.get_xdata()) == 1]
    assert len(dots) == 4  # every estimate is shown, QQQ's too
    pyplot().close(fig)
    png = forest_png(analysis)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width == 8 * FOREST_DPI  # 8 inches at >= 150 dpi
