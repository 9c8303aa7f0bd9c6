"""Figures say no more than their tables: no band below the cluster threshold, every line in a legend,
the note's absolute levels drawn and labelled, zones as they stood on each date."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection

from rtybt.engine.analysis.bootstrap import MIN_CLUSTERS
from rtybt.engine.analysis.event_study import event_study
from rtybt.engine.report.note import note_chart
from rtybt.engine.report.run import figures


def _path_study(n_setups: int, spacing: int):
    rng = np.random.default_rng(0)
    close = pd.Series(100 * np.cumprod(1 + rng.normal(0, 0.01, 900)), index=pd.bdate_range("2010-01-04", periods=900))
    setups = close.index[50 : 50 + n_setups * spacing : spacing]
    return event_study(close, setups, horizons=(5, 20), n_boot=200, seed=1)


def _legend_labels(ax) -> set[str]:
    legend = ax.get_legend() or (ax.figure.legends[0] if ax.figure.legends else None)
    return {t.get_text() for t in legend.get_texts()} if legend else set()


def test_event_path_has_no_band_below_the_cluster_threshold():
    few = _path_study(3, 2)  # 3 setup days, 1 episode
    s = few.horizon(20)
    fig = figures.event_path_figure(few.path, 0.95, "setups", s.clusters, MIN_CLUSTERS, s.events)
    ax = fig.axes[0]
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert "too few episodes" in ax.get_title("left") and "1 episode" in ax.get_title("left")
    labels = _legend_labels(ax)
    assert all(line.get_label() in labels for line in ax.lines)

    many = _path_study(40, 21)
    s = many.horizon(20)
    assert s.clusters >= MIN_CLUSTERS
    fig = figures.event_path_figure(many.path, 0.95, "setups", s.clusters, MIN_CLUSTERS, s.events)
    assert [c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]
    assert any("interval" in label for label in _legend_labels(fig.axes[0]))


def test_distribution_rows_count_days_and_episodes():
    study = _path_study(6, 2)
    fig = figures.outcome_distribution_figure(study.outcomes, [5, 20], {h.horizon: h.clusters for h in study.horizons})
    rows = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert rows[0] == f"5 sessions: 6 days, {study.horizon(5).clusters} episodes"
    assert {"mean", "median", "middle half", "zero"} <= _legend_labels(fig.axes[0])


def _bars(n=400, start="2024-06-03", level=2000.0):
    rng = np.random.default_rng(5)
    close = level * np.cumprod(1 + rng.normal(0, 0.01, n))
    idx = pd.bdate_range(start, periods=n)
    return pd.DataFrame({"open": close * (1 + rng.normal(0, 0.002, n)), "high": close * 1.01, "low": close * 0.99,
                         "close": close}, index=idx)


def test_config_levels_are_drawn_and_labelled():
    params = {"confirm_level": 2050, "target_level": 2150, "stop_level": 1850, "resistance_low": 2100,
              "ma_stop": True, "rsi_min": 55.0}
    units = {"confirm_level": "price", "target_level": "price", "stop_level": "price", "resistance_low": "price",
             "ma_stop": "", "rsi_min": "RSI points"}
    levels = note_chart.config_levels(params, units)
    assert [lv.label for lv in levels] == ["confirm 2,050", "target 2,150", "stop 1,850", "resistance 2,100"]
    bars = _bars()
    trades = pd.DataFrame({"entry_date": [bars.index[100].date()], "entry_price": [2000.0],
                           "exit_date": [bars.index[110].date()], "exit_price": [2010.0]})
    fig = note_chart.note_chart_figure(bars, trades, "t", start=bars.index[200], levels=levels, note_bands=True)
    texts = {t.get_text().strip() for t in fig.axes[0].texts}
    view = bars.loc[bars.index[200]:]
    lo, hi = view["low"].min(), view["high"].max()
    expected = {lv.label for lv in levels if lo - 0.3 * (hi - lo) <= lv.price <= hi + 0.3 * (hi - lo)}
    assert expected and expected <= texts
    labels = _legend_labels(fig.axes[0])
    assert "the config's absolute levels" in labels and any("zone as detected" in label for label in labels)


def test_zones_are_those_known_on_each_date():
    from rtybt.strategies.levels import detect_zones

    bars = _bars()
    spans = note_chart.zone_history(bars, 300, 399)
    assert spans and all(a <= b for a, b, _ in spans)
    h, lo, c = (bars[k].to_numpy() for k in ("high", "low", "close"))
    for a, _, zone in spans:
        assert zone in detect_zones(h[: a + 1], lo[: a + 1], c[: a + 1], a)  # nothing after bar a
    # and every zone the detector lists (nearest three a side) is drawn
    known = detect_zones(h[:301], lo[:301], c[:301], 300)
    near = sorted((z for z in known if z.kind == "resistance"), key=lambda z: z.low)[:3]
    assert near and all(z in [s[2] for s in spans if s[0] == 300] for z in near)


def test_zoom_window_holds_the_note_date():
    idx = pd.bdate_range("2021-01-04", "2026-02-20")
    start, end = note_chart.zoom_window(idx, 6)
    assert start <= pd.Timestamp(note_chart.NOTE_DATE) <= end
    assert note_chart.zoom_window(idx, 6, (date(2022, 1, 3), date(2022, 6, 30)))[0] == pd.Timestamp("2022-01-03")
    late = pd.bdate_range("2025-01-02", "2026-02-20")
    assert note_chart.zoom_window(late, 12)[1] == late[-1]


def test_rolling_sharpe_matches_a_direct_window():
    rng = np.random.default_rng(3)
    r = pd.Series(rng.normal(0.0005, 0.01, 600), index=pd.bdate_range("2020-01-01", periods=600))
    sh = figures.rolling_sharpe(r)
    window = r.iloc[100:352]
    assert np.isnan(sh.iloc[250]) and sh.iloc[351] == pytest.approx(window.mean() / window.std() * np.sqrt(252))
    fig = figures.growth_figure(r, r * 0.5, "buy & hold X")
    labels = {t for ax in fig.axes for t in _legend_labels(ax)}  # one legend, above the panels, names every line
    for ax in fig.axes:
        assert all(line.get_label() in labels for line in ax.lines if not line.get_label().startswith("_"))
    assert len(fig.axes[0].get_yticks()) >= 3  # a narrow range still labels several values, not only "1×"
    # In the market 2% of the time: the strategy's rolling Sharpe is replaced by the reason, buy-and-hold's stays.
    idle = figures.growth_figure(r, r * 0.5, "buy & hold X", exposure=0.02)
    assert [line.get_label() for line in idle.axes[2].lines if not line.get_label().startswith("_")] == ["buy & hold X"]
    assert "in the market 2.00% of the time" in idle.axes[2].texts[0].get_text()


def test_label_placement_spreads_labels_without_overlap():
    # The seed note's dense window (May 2025, RTY=F): the config's levels, the note's bands and both MAs all sit
    # within 2,050-2,200 next to each other.
    wanted = [2050.0, 2150.0, 1850.0, 2100.0, 2175.0, 2060.0, 1865.0, 1996.2, 2192.8]
    gap, low, high = 26.0, 1800.0, 2250.0
    placed = note_chart.spread_labels(wanted, gap, low, high)
    ys = sorted(placed)
    assert all(b - a >= gap - 1e-9 for a, b in zip(ys, ys[1:], strict=False))  # never on top of each other
    assert low <= ys[0] and ys[-1] <= high
    # each keeps its order and stays as near its price as the others allow
    assert sorted(range(len(wanted)), key=lambda i: wanted[i]) == sorted(range(len(placed)), key=lambda i: placed[i])
    assert note_chart.spread_labels([1850.0], gap, low, high) == [1850.0]
    # a stack that runs over the top is pushed back down inside the range
    top = note_chart.spread_labels([2240.0, 2245.0, 2249.0], gap, low, high)
    assert max(top) <= high and min(b - a for a, b in zip(sorted(top), sorted(top)[1:], strict=False)) >= gap - 1e-9


def test_the_note_chart_labels_sit_right_of_the_candles_and_apart():
    import matplotlib.dates as mdates

    # The note's dense window: closes between about 1,900 and 2,150 from February to June 2025, as RTY=F traded.
    idx = pd.bdate_range("2024-06-03", "2025-06-30")
    close = 2025.0 + 110.0 * np.sin(np.linspace(0.0, 9.0, len(idx)))
    bars = pd.DataFrame({"open": close - 3.0, "high": close + 12.0, "low": close - 12.0, "close": close}, index=idx)
    levels = note_chart.config_levels({"confirm_level": 2050, "target_level": 2150, "stop_level": 1850,
                                       "resistance_low": 2100}, dict.fromkeys(("confirm_level", "target_level",
                                                                              "stop_level", "resistance_low"), "price"))
    start = pd.Timestamp("2025-02-20")
    bands = note_chart.note_levels("RTY=F", float(bars["close"].iloc[-1]))
    assert len(bands) == 3 and note_chart.note_levels("SPY", 500.0) == []  # the note's levels: its index only
    fig = note_chart.note_chart_figure(bars, pd.DataFrame(), "t", start=start, levels=levels, note_bands=bands)
    ax = fig.axes[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    notes = [t for t in ax.texts if t.get_text().strip()]
    texts = {t.get_text() for t in notes}
    assert {lv.label for lv in levels} <= texts and {b[2] for b in bands} <= texts
    assert any(t.startswith("50-day MA ") for t in texts) and any(t.startswith("200-day MA ") for t in texts)
    last_bar = mdates.date2num(bars.index[-1])
    boxes = [t.get_window_extent(renderer) for t in notes]
    candles_right = ax.transData.transform((last_bar, 0))[0]
    assert all(b.x0 > candles_right for b in boxes)  # in the margin: never over a candle
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a.y1 <= b.y0 + 0.5 or b.y1 <= a.y0 + 0.5, (a, b)  # never over each other


def test_the_rsi_panel_reads_against_the_notes_threshold():
    from rtybt.engine.analysis.indicators import wilder_rsi

    bars = _bars(900)
    rsi = wilder_rsi(bars["close"].to_numpy(dtype=float), 14)
    known = rsi[np.isfinite(rsi)]
    share = f"{(known >= note_chart.RSI_LINE).mean():.0%}"
    # A long span: a strip of the days at or above 55, its share in words; no monthly range, no 0-100 line to squint at.
    fig = note_chart.note_chart_figure(bars, pd.DataFrame(), "t")
    ax_rsi = fig.axes[1]
    assert not ax_rsi.get_lines() and ax_rsi.get_yticks().size == 0
    assert ax_rsi.get_title(loc="left") == (f"Days with RSI(14) at or above {note_chart.RSI_LINE:g}, the note's "
                                            f"threshold: {share} of the days")
    assert "monthly" not in " ".join(t.get_text() for t in ax_rsi.texts) + ax_rsi.get_title(loc="left")
    # A zoom: the daily line, the 55 line labelled on the panel itself, a scale fitted to the RSI (not 0 to 100).
    fig = note_chart.note_chart_figure(bars, pd.DataFrame(), "t", start=bars.index[600])
    ax_rsi = fig.axes[1]
    lines = ax_rsi.get_lines()
    assert any(np.allclose(line.get_ydata(), note_chart.RSI_LINE) for line in lines)  # the threshold
    daily = next(line for line in lines if len(line.get_ydata()) == 300)
    np.testing.assert_allclose(np.asarray(daily.get_ydata(), dtype=float), rsi[600:], equal_nan=True)
    assert [t.get_text() for t in ax_rsi.texts] == [f"the note's {note_chart.RSI_LINE:g}"]
    low, high = ax_rsi.get_ylim()
    assert low <= min(30.0, np.nanmin(rsi[600:])) and high >= max(70.0, np.nanmax(rsi[600:]))
    assert (low, high) != (0.0, 100.0)


def test_the_live_chart_carries_the_daily_rsi_and_the_threshold():
    from rtybt.engine.analysis.indicators import wilder_rsi
    from rtybt.engine.report.note.live_chart import chart_data

    bars = _bars(400)
    data = chart_data(bars, None, bars.index[200], bars.index[-1], [], "t")
    rsi = wilder_rsi(bars["close"].to_numpy(dtype=float), 14)
    shown = {row["time"]: row["value"] for row in data["daily"]["rsi"]}
    assert len(shown) == int(np.isfinite(rsi).sum())
    assert shown[bars.index[-1].strftime("%Y-%m-%d")] == pytest.approx(rsi[-1], abs=1e-4)
    assert data["rsi_line"] == note_chart.RSI_LINE and data["weekly"]["rsi"]
