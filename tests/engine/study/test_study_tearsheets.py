"""Each market's page of a study links its full tearsheet, written inside the study's folder; past the budget, a
market's page says in one line why it has none."""

from __future__ import annotations

import json
import re

import pytest

from rtybt.engine.commands.study import execute_study
from rtybt.engine.core.budget import MAX_STUDY_TEARSHEETS, over_budget_allowed

SHORT_YAML = """
data: {symbol: ^RUT, start: 2015-01-01, end: 2016-12-31}
strategy: {name: ma_reclaim, params: {ma_period: 50, hold_bars: 3}}
output: {plots: false}
event_study: {bootstrap_samples: 200}
study: {symbols: [IWM], regimes: {vix_threshold: 18}}
"""


def _link(page: str) -> str | None:
    found = re.search(r'<a href="([^"#]+)">The full tearsheet of', page)
    return found.group(1) if found else None


@pytest.fixture(scope="module")
def study(tmp_path_factory, snapshot_dir):
    """Two markets with a budget of one tearsheet: ^RUT (the traded market, first) gets it, IWM does not."""
    import rtybt.engine.study.tearsheets as tearsheets

    folder = tmp_path_factory.mktemp("study")
    config = folder / "short.yaml"
    config.write_text(SHORT_YAML)
    patch = pytest.MonkeyPatch()
    patch.setattr(tearsheets, "MAX_STUDY_TEARSHEETS", 1)
    try:
        return execute_study(config, data_dir=str(snapshot_dir), results_dir=str(folder / "results"))
    finally:
        patch.undo()


def test_a_markets_page_links_its_tearsheet_inside_the_study(study):
    market = study.run_dir / "markets" / "^RUT"
    page = (market / "market.html").read_text(encoding="utf-8")
    link = _link(page)
    assert link is not None and not link.startswith(("/", "http")) and ".." not in link  # relative, inside
    target = (market / link).resolve()
    assert target.is_file() and target.is_relative_to(study.run_dir.resolve())
    sheet = target.read_text(encoding="utf-8")
    # A tearsheet, and of this market: its verdict card, its period line naming the symbol, its own buy-and-hold.
    assert 'class="card' in sheet and 'id="verdict"' in sheet and 'id="trades"' in sheet
    assert re.search(r'<p class="muted" id="period">\^RUT, 2015-\d\d-\d\d to 2016-\d\d-\d\d', sheet)
    report = json.loads((target.parent / "report.json").read_text())
    assert report["symbol"] == "^RUT" and report["benchmark_symbol"] == "^RUT"
    # The same backtest as the study's row: one number, one meaning.
    row = next(m for m in study.summary["markets"] if m["symbol"] == "^RUT")
    for key in ("cagr", "max_drawdown", "trades"):
        assert report["strategy_metrics"][key] == row[key], key
    assert report["benchmark_metrics"]["cagr"] == row["buy_hold_cagr"]
    # The market page also carries the equity curve against buy-and-hold.
    assert "against buy-and-hold" in page and page.count("data:image/png;base64,") == 2
    # Written through the study's writer: the manifest covers the tearsheet's files.
    manifest = json.loads((study.run_dir / "manifest.json").read_text())
    assert "markets/^RUT/tearsheet/tearsheet.html" in manifest["files"]
    assert "markets/^RUT/tearsheet/trades.csv" in manifest["files"]


def test_past_the_budget_a_market_says_why_it_has_no_tearsheet(study):
    page = (study.run_dir / "markets" / "IWM" / "market.html").read_text(encoding="utf-8")
    assert _link(page) is None and not (study.run_dir / "markets" / "IWM" / "tearsheet").exists()
    line = re.search(r"No full tearsheet of IWM with this study: ([^<]+)", page).group(1)
    assert "first 1 markets only" in line and "--yes" in line
    assert "rtybt run CONFIG --set data.symbol=IWM" in page


def test_the_plan_follows_the_budget_the_yes_flag_and_the_config(study):
    from rtybt.engine.study.tearsheets import tearsheet_plan

    config = study.config
    symbols = [f"S{i}" for i in range(12)]
    plan = tearsheet_plan(config, symbols)
    assert [s for s, why in plan.items() if why is None] == symbols[:MAX_STUDY_TEARSHEETS]
    with over_budget_allowed():
        assert all(why is None for why in tearsheet_plan(config, symbols).values())
    off = config.model_copy(deep=True)
    off.output.tearsheet = False
    assert set(tearsheet_plan(off, symbols).values()) == {"the config's output.tearsheet is off"}
