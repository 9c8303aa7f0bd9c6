"""`rtybt study` end to end: files, the same rules as `rtybt run` on each market, store and resume, refusals."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from rtybt.engine.commands.run import execute_run
from rtybt.engine.config import load_config
from tests.conftest import error_lines
from tests.engine.study.conftest import invoke


def _run_dir(summary) -> Path:
    return Path(summary["run_dir"])


def test_study_writes_page_json_csvs_and_a_folder_per_market(small_study):
    summary, out = small_study
    run_dir = _run_dir(summary)
    assert run_dir.parent == out / "small-study"
    assert summary["symbols"] == ["^RUT", "IWM", "SPY"]  # the traded symbol first, then the study's
    assert sorted(p.name for p in run_dir.iterdir()) == [
        "forest.png", "manifest.json", "markets", "markets.csv", "pooled.csv", "regimes.csv", "setups.csv",
        "study.html", "study.json"]
    html = (run_dir / "study.html").read_text()
    assert html.index('class="verdict"') < html.index("data:image/png;base64,")  # opens with the verdict
    assert summary["verdict"].replace("'", "&#x27;") in html
    # Every market's link leads to a page that exists.
    links = [unquote(part.split('"')[0]) for part in html.split('href="')[1:] if not part.startswith("#")]
    assert links == [f"markets/{s}/market.html" for s in summary["symbols"]]
    for link in links:
        assert (run_dir / link).is_file()
    # One number, one meaning: a market's excess and interval read the same on its page and the study's.
    spy = next(m for m in summary["markets"] if m["symbol"] == "SPY")
    spy_page = (run_dir / "markets" / "SPY" / "market.html").read_text()
    from rtybt.engine.report.html import fmt  # the pages' one number format (Unicode minus)

    shown = (f"{fmt(spy['excess_mean'], 'spct')}</td><td>{fmt(spy['excess_ci'][0], 'spct')} to "
             f"{fmt(spy['excess_ci'][1], 'spct')}")
    assert shown in spy_page and shown in html
    assert "<script" not in html and "http://" not in html and "https://" not in html  # self-contained
    assert html.count("data:image/png;base64,") == 2  # the forest plot, inline, at page and phone widths
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
    assert not re.search(r"\b(None|nan|NaN|True|False)\b", text)  # no raw Python literals on the page
    payload = json.loads((run_dir / "study.json").read_text())
    assert [m["symbol"] for m in payload["markets"]] == ["^RUT", "IWM", "SPY"]
    assert len(payload["pooled_horizons"]) == 4 and payload["pooled"]["horizon"] == 20
    assert {r["regime"] for r in payload["regime_splits"]} == {"vix", "trend", "decade"}
    assert {"VIX <= 18", "VIX > 18"} <= {r["level"] for r in payload["regime_splits"]}
    pooled = payload["pooled"]
    assert pooled["setups"] == sum(m["setups"] for m in payload["markets"])
    assert pooled["clusters"] <= sum(m["clusters"] for m in payload["markets"])
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["command"] == "study" and set(manifest["files"]) >= {"study.html", "study.json"}
    assert [i["data"][0]["symbol"] for i in manifest["inputs"]] == ["^RUT", "IWM", "SPY"]
    assert manifest["details"]["regime_data"]["symbol"] == "^VIX"


def test_a_study_without_tearsheets_keeps_its_folder_small(small_study):
    # Here, beside the study it reads (tests/engine/study/test_study_tearsheets.py writes the tearsheets): one
    # study computed for both.
    summary, _ = small_study
    run_dir = _run_dir(summary)
    assert not list(run_dir.glob("markets/*/tearsheet"))
    page = (run_dir / "markets" / "SPY" / "market.html").read_text(encoding="utf-8")
    assert "No full tearsheet of SPY with this study: the config&#x27;s output.tearsheet is off" in page

def test_each_market_is_the_run_command_on_that_symbol(small_study, study_config_path, tmp_path):
    summary, _ = small_study
    spy = next(m for m in summary["markets"] if m["symbol"] == "SPY")
    run = execute_run(study_config_path, ["data.symbol=SPY", f"output.dir={tmp_path}", "output.tearsheet=false"])
    for key in ("cagr", "sharpe", "max_drawdown", "trades"):
        assert spy[key] == run.result.metrics[key]
        if key != "trades":
            assert spy[f"buy_hold_{key}"] == run.result.benchmark_metrics[key]
    assert spy["setups"] <= len(run.result.setups)  # setups without 20 sessions after them are not judged


def test_resume_reuses_every_stored_run_and_gives_the_same_study(small_study, study_config_path):
    summary, out = small_study
    result = invoke("study", str(study_config_path), "--workers", "1", "--set", f"output.dir={out}", "--resume",
                    "--json")
    assert result.exit_code == 0, result.output
    again = json.loads(result.stdout[result.stdout.index("{"):])
    assert (again["computed"], again["reused_from_store"]) == (0, 6)  # 3 markets x (strategy, buy-and-hold)
    first = json.loads((_run_dir(summary) / "study.json").read_text())
    second = json.loads((_run_dir(again) / "study.json").read_text())
    for payload in (first, second):
        del payload["computed"], payload["reused_from_store"]
    assert first == second


def test_terminal_summary_names_every_market_and_the_verdict(study_config_path, tmp_path):
    result = invoke("study", str(study_config_path), "--workers", "1", "--symbols", "QQQ",
                    "--set", f"output.dir={tmp_path}", "--set", "event_study.horizons=[20]")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ma_reclaim on 2 markets: 4 backtests run on serial, 0 reused from the store")
    assert [line.split()[0] for line in lines[3:6]] == ["^RUT", "QQQ", "pooled"]
    assert any(line.startswith("The setup's 20-session edge") for line in lines)
    assert [line.split(",")[0] for line in lines if line.startswith("By regime")] == [
        "By regime (all markets pooled", "By regime (^RUT alone"]
    assert lines[-1].startswith("results: ")


def test_a_period_without_setups_is_reported_not_judged(study_config_path, tmp_path):
    result = invoke("study", str(study_config_path), "--workers", "1", "--set", f"output.dir={tmp_path}",
                    "--set", "data.start=2016-08-01", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    assert [m["clusters"] < 10 for m in summary["markets"]] == [True, True, True]
    assert summary["verdict_kind"] == "unjudged"
    assert summary["pooled"]["excess_ci"] == [None, None]
    assert (Path(summary["run_dir"]) / "study.html").is_file()


def test_a_look_back_longer_than_a_markets_bars_is_one_line(study_config_path, tmp_path):
    result = invoke("-q", "study", str(study_config_path), "--workers", "1", "--set", f"output.dir={tmp_path}",
                    "--set", "data.start=2016-11-01")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (f"rtybt: error: {study_config_path} (^RUT): strategy.params.ma_period: "
                                            "50 bars but only 42 bars from 2016-11-01 to 2016-12-30; use a shorter ma_period or a longer data range")


@pytest.mark.parametrize(("sets", "message"), [
    (["strategy.name=breakout_confirmation", "strategy.params={level_mode: absolute, breakout_level: 700, "
      "levels_valid_from: 2010-01-01, levels_valid_to: 2016-12-31}"],
     "strategy.params.breakout_level: absolute price level 700 does not transfer between instruments; "
     "a study needs relative levels"),
    (["broker.instrument=future", "broker.multiplier=50", "broker.tick=0.1", "broker.margin=7500"],
     "broker.instrument: 'future' contract terms do not transfer between instruments; "
     "a study needs instrument index or etf"),
    (["study.symbols=[../etc]"], "study.symbols: '../etc' must be a ticker like ^RUT or RTY=F, not a path (got ['../etc'])"),
    (["study.symbols=[^RUT]"], "study.symbols: a study needs at least one symbol besides the traded ^RUT"),
    (["study.regions=1"], "study.regions: unknown key (did you mean 'regimes'?); allowed: symbols, regimes"),
    (["study.regimes.by=[vix, moon]"], "study.regimes.by.1: Input should be 'vix', 'trend' or 'decade' (got 'moon')"),
])
def test_bad_study_input_is_one_line_exit_2(study_config_path, tmp_path, sets, message):
    args = [a for s in sets for a in ("--set", s)]
    result = invoke("study", str(study_config_path), "--workers", "1", "--set", f"output.dir={tmp_path}", *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"rtybt: error: {study_config_path}: {message}"
    assert not (tmp_path / "small-study").exists()


def test_symbols_option_is_checked_and_a_missing_symbol_named(study_config_path, tmp_path):
    bad = invoke("study", str(study_config_path), "--symbols", "IWM,a/b", "--set", f"output.dir={tmp_path}")
    assert bad.exit_code == 2
    assert bad.stderr.strip() == f"rtybt: error: {study_config_path}: --symbols: 'a/b' must be a ticker like ^RUT or RTY=F, not a path"
    missing = invoke("study", str(study_config_path), "--symbols", "NOPE", "--set", f"output.dir={tmp_path}")
    assert missing.exit_code == 2 and "study.symbols" in missing.stderr and "NOPE" in missing.stderr
    assert "NOPE" in error_lines(missing.stderr)[0]


def test_study_section_is_outside_the_run_hash(study_config_path, tmp_path):
    plain = tmp_path / "plain.yaml"
    plain.write_text("\n".join(line for line in study_config_path.read_text().splitlines()
                               if not line.startswith("study:")))
    with_study, without = load_config(study_config_path), load_config(plain)
    assert with_study.study is not None and without.study is None
    assert with_study.config_hash() == without.config_hash()


@pytest.mark.parametrize("where", [["--workers", "2"], ["--cluster", "local", "--workers", "2"]],
                         ids=["process pool", "dask local cluster"])
def test_study_on_the_sweep_executors_equals_the_serial_study(small_study, study_config_path, tmp_path, where):
    summary, _ = small_study
    result = invoke("study", str(study_config_path), *where, "--set", f"output.dir={tmp_path}", "--json")
    assert result.exit_code == 0, result.output
    other = json.loads(result.stdout[result.stdout.index("{"):])
    assert other["executor"].startswith("pool" if where[0] == "--workers" else "dask") and other["computed"] == 6
    first = json.loads((_run_dir(summary) / "study.json").read_text())
    second = json.loads((_run_dir(other) / "study.json").read_text())
    for payload in (first, second):
        del payload["executor"]
    assert first == second
