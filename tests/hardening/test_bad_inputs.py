"""The bad-input catalogue: every malformed config, data file or results location gets one clear line, exit 2.

Each case runs the real CLI entry point and checks: exit code 2, exactly one line on stderr naming the
file and the key path or CSV line, no traceback, no run directory created and an earlier run untouched.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from rtybt.engine.commands.run import execute_run
from tests.conftest import error_lines
from tests.hardening.cli_harness import bars_csv, run_cli, run_dirs, run_subprocess, tree_digest

# A config that runs: the cases below break one thing in it. Short range: the earlier run costs little.
BASE = {
    "data": {"symbol": "^RUT", "start": "2020-01-01", "end": "2020-06-30"},
    "strategy": {"name": "ma_reclaim", "params": {"ma_period": 20, "hold_bars": 2}},
    "benchmark": {"enabled": False},
    "output": {"plots": False, "tearsheet": False},
}
# breakout_confirmation on the note's absolute 2,100 level, valid through 2025 only.
ABSOLUTE_2025 = {"name": "breakout_confirmation", "params": {
    "level_mode": "absolute", "breakout_level": 2100, "levels_valid_from": "2025-01-01",
    "levels_valid_to": "2025-12-31"}}
# The same config over a hand-made data file TEST.csv in a scratch data directory.
TEST_DATA = {"data": {"symbol": "TEST", "start": None, "end": None}}
GOOD_CSV = bars_csv().to_csv(index=False)
HEADER = "Date,Close,High,Low,Open,Volume\n"


class Replace(dict):
    """A patch value that replaces the section instead of merging into it (another strategy's params)."""


def merge(base: dict, patch: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, Replace):
            out[key] = copy.deepcopy(dict(value))
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def csv_lines(edit) -> str:
    """GOOD_CSV with its lines (header = index 0) edited by `edit(list_of_lines)`."""
    lines = GOOD_CSV.splitlines()
    edit(lines)
    return "\n".join(lines) + "\n"


def set_line(i: int, text: str):
    def edit(lines):
        lines[i] = text
    return edit


def swap_lines(i: int, j: int):
    def edit(lines):
        lines[i], lines[j] = lines[j], lines[i]
    return edit


@dataclass
class Case:
    id: str
    needles: tuple[str, ...]          # must appear in the message (key path, CSV line, reason)
    names: str = "config"              # the file the message names: config | csv | rut | data_dir | results
    patch: dict | None = None          # merged into BASE
    text: str | bytes | None = None    # the config file's raw content instead of BASE (+ patch)
    csv: str | None = None             # TEST.csv content (the config then reads symbol TEST)
    args: list[str] = field(default_factory=list)
    results: str | None = None         # how to spoil the results root: "file" | "under_file"
    command: list[str] | None = None   # another command than `run {config}`; "{config}", "{data_dir}" filled in


CASES = [
    # -- the YAML itself --
    Case("yaml-syntax-unclosed", ("invalid YAML", "line 2"), text="strategy: {name: ma_reclaim\ndata: [\n"),
    Case("yaml-syntax-bad-indent", ("invalid YAML", "line 3"), text="strategy:\n  name: ma_reclaim\n   params: 1\n"),
    Case("yaml-tab-indent", ("invalid YAML",), text="strategy:\n\tname: ma_reclaim\n"),
    Case("empty-file", ("config is empty",), text=""),
    Case("comments-only", ("config is empty",), text="# nothing here\n"),
    Case("list-at-top", ("top level must be a mapping", "list"), text="- strategy\n- data\n"),
    Case("scalar-at-top", ("top level must be a mapping", "str"), text="ma_reclaim\n"),
    Case("not-utf8", ("cannot read config",), text=b"strategy: \xff\xfe\x00\n"),
    Case("python-object-tag", ("invalid YAML", "python/object"),
         text="strategy: !!python/object/apply:os.system ['echo pwned']\n"),
    Case("python-name-tag", ("invalid YAML", "python/name"), text="strategy: !!python/name:os.system\n"),
    Case("duplicate-key", ("strategy", "duplicate key"),
         text="strategy: {name: ma_reclaim}\nstrategy: {name: buy_and_hold}\n"),
    # -- structure and keys --
    Case("list-where-mapping", ("data:", "mapping"), patch={"data": ["^RUT", "2020-01-01"]}),
    Case("string-where-mapping", ("strategy:", "mapping"), patch={"strategy": "ma_reclaim"}),
    Case("missing-strategy", ("strategy:", "required"), text="data: {symbol: ^RUT}\n"),
    Case("empty-strategy-section", ("strategy:", "mapping", "None"), patch={"strategy": None}),
    Case("unknown-top-key", ("strategies: unknown key", "did you mean 'strategy'"),
         patch={"strategies": {"name": "x"}}),
    Case("misspelt-broker-key", ("broker.csh: unknown key", "did you mean 'cash'"), patch={"broker": {"csh": 5}}),
    Case("misspelt-data-key", ("data.strat: unknown key", "did you mean 'start'"),
         patch={"data": {"strat": "2020-01-01"}}),
    Case("misspelt-validation-key", ("data.validation.duplicate: unknown key", "did you mean 'duplicates'"),
         patch={"data": {"validation": {"duplicate": "drop"}}}),
    Case("unknown-param", ("strategy.params.ma_perod", "did you mean 'ma_period'"),
         patch={"strategy": {"params": {"ma_perod": 30}}}),
    Case("unknown-strategy", ("strategy.name", "unknown strategy", "did you mean 'ma_reclaim'"),
         patch={"strategy": {"name": "ma_reclain"}}),
    # -- types and ranges --
    Case("cash-not-a-number", ("broker.cash", "'lots'"), patch={"broker": {"cash": "lots"}}),
    Case("cash-zero", ("broker.cash", "greater than 0"), patch={"broker": {"cash": 0}}),
    Case("cash-negative", ("broker.cash", "greater than 0"), patch={"broker": {"cash": -1000}}),
    Case("start-not-a-date", ("data.start", "'yesterday'"), patch={"data": {"start": "yesterday"}}),
    Case("end-before-start", ("data", "before start"), patch={"data": {"start": "2020-06-01", "end": "2020-01-01"}}),
    Case("instrument-unknown", ("broker.instrument", "'stock'"), patch={"broker": {"instrument": "stock"}}),
    Case("fill-unknown", ("broker.fill", "'next_close'"), patch={"broker": {"fill": "next_close"}}),
    Case("future-cost-on-index", ("broker", "commission_per_contract"),
         patch={"broker": {"commission_per_contract": 2.5}}),
    Case("equity-fraction-above-1", ("sizing.equity_fraction", "1.5"), patch={"sizing": {"equity_fraction": 1.5}}),
    Case("fixed-units-without-units", ("sizing", "units"), patch={"sizing": {"method": "fixed_units"}}),
    Case("policy-unknown-action", ("data.validation.ohlc", "'ignore'"),
         patch={"data": {"validation": {"ohlc": "ignore"}}}),
    Case("param-wrong-type", ("strategy.params.ma_period", "whole number", "'fifty'"),
         patch={"strategy": {"params": {"ma_period": "fifty"}}}),
    Case("param-fractional-bars", ("strategy.params.hold_bars", "whole number"),
         patch={"strategy": {"params": {"hold_bars": 2.5}}}),
    Case("ma-zero-bars", ("strategy.params.ma_period", ">= 2"), patch={"strategy": {"params": {"ma_period": 0}}}),
    Case("ma-negative", ("strategy.params.ma_period", ">= 2"), patch={"strategy": {"params": {"ma_period": -50}}}),
    Case("hold-zero-bars", ("strategy.params.hold_bars", ">= 1"), patch={"strategy": {"params": {"hold_bars": 0}}}),
    Case("ma-longer-than-data", ("strategy.params.ma_period", "bars"),
         patch={"strategy": {"params": {"ma_period": 500}}}),
    # Each look-back fits the ~124 bars of 2020H1, but the MA plus the closes held above it do not.
    Case("warm-up-longer-than-data", ("strategy.params", "warm-up", "ma_period=100", "hold_bars=30"),
         patch={"strategy": {"params": {"ma_period": 100, "hold_bars": 30}}}),
    Case("rsi-threshold-above-100", ("strategy.params.rsi_min", "<= 100"),
         patch={"strategy": Replace({"name": "rsi_momentum", "params": {"rsi_min": 120}})}),
    Case("rsi-bullish-above-100", ("strategy.params.rsi_bullish", "<= 100"),
         patch={"strategy": Replace({"name": "rsi_momentum", "params": {"rsi_bullish": 101}})}),
    Case("rsi-exit-above-entry", ("strategy.params", "rsi_exit < rsi_min"),
         patch={"strategy": Replace({"name": "rsi_momentum", "params": {"rsi_min": 50, "rsi_exit": 60}})}),
    Case("rsi-period-zero", ("strategy.params.rsi_period", ">= 2"),
         patch={"strategy": Replace({"name": "rsi_momentum", "params": {"rsi_period": 0}})}),
    Case("absolute-level-without-window", ("strategy.params", "levels_valid_from"),
         patch={"strategy": Replace({"name": "breakout_confirmation",
                                     "params": {"level_mode": "absolute", "breakout_level": 2100}})}),
    Case("absolute-level-dates-outside-window", ("data", "outside the window"),
         patch={"strategy": Replace(ABSOLUTE_2025)}),
    Case("absolute-level-no-bars-in-range", ("strategy.params.breakout_level", "no bars in range", "21000"),
         patch={"strategy": Replace(merge(ABSOLUTE_2025, {"params": {"breakout_level": 21000}})),
                "data": {"start": "2025-03-01", "end": "2025-06-30"}}),
    Case("absolute-level-on-other-instrument", ("strategy.params.breakout_level", "no bars in range"),
         patch={"strategy": Replace(ABSOLUTE_2025), "data": {"symbol": "IWM", "start": "2025-03-01", "end": "2025-06-30"}}),
    Case("absolute-window-without-bars", ("no bars between", "2025-05-10"), names="rut",
         patch={"strategy": Replace(ABSOLUTE_2025), "data": {"start": "2025-05-10", "end": "2025-05-11"}}),
    Case("symbol-is-a-path", ("data.symbol", "../etc"), patch={"data": {"symbol": "../etc"}}),
    # -- run names and results locations --
    Case("name-escapes-results", ("name", "no paths"), patch={"name": "../x"}),
    Case("name-absolute", ("name", "no paths"), patch={"name": "/tmp/x"}),
    Case("name-hidden", ("name", "no paths"), patch={"name": ".staging"}),
    Case("results-dir-is-a-file", ("results", "output.dir"), names="results", results="file"),
    Case("results-dir-under-a-file", ("results", "output.dir"), names="results", results="under_file"),
    # -- dates against the data --
    Case("range-after-data", ("no bars between", "2030-01-01"), names="rut",
         patch={"data": {"start": "2030-01-01", "end": "2030-12-31"}}),
    Case("range-before-data", ("no bars between", "1950-12-31"), names="rut",
         patch={"data": {"start": "1950-01-01", "end": "1950-12-31"}}),
    # -- command-line overrides --
    Case("set-without-equals", ("--set", "KEY.PATH=VALUE"), args=["--set", "broker.cash"]),
    Case("set-through-a-scalar", ("--set", "broker.cash is not a mapping"), patch={"broker": {"cash": 1000}},
         args=["--set", "broker.cash.x=1"]),
    Case("set-bad-value", ("broker.cash", "greater than 0"), args=["--set", "broker.cash=-5"]),
    # -- data files --
    Case("missing-data-file-offline", ("NOPE.csv", "not found", "offline", "data.symbol"), names="data_dir",
         patch={"data": {"symbol": "NOPE", "start": None, "end": None}}, csv=GOOD_CSV),
    Case("empty-csv", ("file is empty",), names="csv", csv=""),
    Case("header-only-csv", ("header only",), names="csv", csv=HEADER),
    Case("missing-volume-column", ("missing column(s) Volume",), names="csv",
         csv=bars_csv().drop(columns="Volume").to_csv(index=False)),
    Case("renamed-close-column", ("missing column(s) Close", "Price"), names="csv",
         csv=bars_csv().rename(columns={"Close": "Price"}).to_csv(index=False)),
    Case("no-date-column", ("missing column(s) Date",), names="csv",
         csv=bars_csv().rename(columns={"Date": "Day"}).to_csv(index=False)),
    Case("non-numeric-price", ("line 6", "non-numeric 'abc'", "data.validation.nan"), names="csv",
         csv=csv_lines(set_line(5, "2020-01-07,abc,101,99,100,1000"))),
    Case("nan-row", ("line 11", "missing", "data.validation.nan"), names="csv",
         csv=csv_lines(set_line(10, "2020-01-14,,,,,"))),
    Case("literal-nan-price", ("line 4", "Open is missing"), names="csv",
         csv=csv_lines(set_line(3, "2020-01-03,100,101,99,NaN,1000"))),
    Case("duplicate-dates", ("line 9", "duplicate dates", "data.validation.duplicates"), names="csv",
         csv=csv_lines(set_line(8, GOOD_CSV.splitlines()[7]))),
    Case("unsorted-dates", ("line 22", "dates out of order", "set it to sort"), names="csv",
         csv=csv_lines(swap_lines(20, 21))),
    Case("zero-price", ("line 31", "prices <= 0", "Low=0"), names="csv",
         csv=csv_lines(set_line(30, "2020-02-11,100,101,0,100,1000"))),
    Case("negative-price", ("line 31", "prices <= 0", "Close=-100"), names="csv",
         csv=csv_lines(set_line(30, "2020-02-11,-100,101,99,100,1000"))),
    Case("unreadable-date", ("line 13", "cannot read date", "'2020-13-45'"), names="csv",
         csv=csv_lines(set_line(12, "2020-13-45,100,101,99,100,1000"))),
    Case("ragged-row", ("not a readable CSV",), names="csv",
         csv=csv_lines(set_line(7, "2020-01-09,100,101,99,100,1000,7,8,9"))),
    # -- the other commands --
    Case("snapshot-date-not-a-date", ("--date", "'notadate'"), names="", command=["snapshot", "--date", "notadate"]),
    Case("snapshot-date-after-data", ("--date 2030-01-01", "outside the data"), names="rut_name",
         command=["snapshot", "--date", "2030-01-01"]),
    Case("snapshot-date-before-data", ("--date 1950-01-01", "outside the data"), names="rut_name",
         command=["snapshot", "--date", "1950-01-01"]),
    Case("snapshot-symbol-missing", ("--symbol NOPE", "NOPE.csv", "not found"), names="data_dir", csv=GOOD_CSV,
         command=["snapshot", "--symbol", "NOPE", "--data-dir", "{data_dir}"]),
    Case("snapshot-symbol-bad-csv", ("line 11", "missing"), names="csv",
         csv=csv_lines(set_line(10, "2020-01-14,,,,,")), command=["snapshot", "--symbol", "TEST", "--data-dir", "{data_dir}"]),
    Case("snapshot-peer-is-a-path", ("--peers ../x", "not a valid symbol"), names="",
         command=["snapshot", "--peers", "../x"]),
    Case("strategies-unknown-name", ("unknown strategy 'ma_reclain'", "did you mean 'ma_reclaim'"), names="",
         command=["strategies", "ma_reclain"]),
    Case("data-check-missing-symbol", ("error: NOPE: no bars", "NOPE.csv", "not found"), names="data_dir", csv=GOOD_CSV,
         command=["data", "check", "NOPE", "--data-dir", "{data_dir}"]),
    Case("data-check-header-only", ("header only",), names="csv", csv=HEADER,
         command=["data", "check", "TEST", "--data-dir", "{data_dir}"]),
    Case("regress-missing-config", ("config file not found",), names="config", command=["regress", "{config}.nope"]),
    Case("regress-bad-yaml", ("invalid YAML", "line 2"), text="strategy: {name: ma_reclaim\ndata: [\n",
         command=["regress", "{config}"]),
    Case("regress-unknown-param", ("strategy.params.ma_perod",), patch={"strategy": {"params": {"ma_perod": 3}}},
         command=["regress", "{config}"]),
    Case("sweep-grid-empty-list", ("sweep.grid", "ma_period: empty list"), patch={"sweep": {"grid": {"ma_period": []}}},
         command=["sweep", "{config}"]),
    Case("sweep-grid-unknown-param", ("sweep.grid.ma_perod", "did you mean 'ma_period'"),
         patch={"sweep": {"grid": {"ma_perod": [10, 20]}}}, command=["sweep", "{config}"]),
    Case("sweep-nothing-to-sweep", ("nothing to sweep",), command=["sweep", "{config}"]),
    Case("sweep-value-out-of-range", ("ma_period=0", "strategy.params.ma_period", ">= 2"),
         command=["sweep", "{config}", "--grid", "ma_period=0,10"]),
    Case("sweep-grid-flag-without-values", ("--grid ma_period", "empty list"), names="",
         command=["sweep", "{config}", "--grid", "ma_period="]),
    Case("sweep-grid-flag-malformed", ("--grid 'ma_period'", "PARAM=V1,V2"), names="",
         command=["sweep", "{config}", "--grid", "ma_period"]),
    Case("sweep-unknown-metric", ("sweep.metric", "'foo'"), patch={"sweep": {"grid": {"ma_period": [10, 20]}}},
         command=["sweep", "{config}", "--metric", "foo"]),
    Case("report-missing-run-dir", ("not a run directory",), names="", command=["report", "{config}.nope"]),
    Case("report-not-a-run-dir", ("not a complete run directory", "manifest.json"), names="data_dir", csv=GOOD_CSV,
         command=["report", "{data_dir}"]),
    Case("compare-second-config-bad", ("invalid YAML",), text="strategy: {name: ma_reclaim\n",
         command=["compare", "{good}", "{config}"]),
    Case("compare-second-config-missing", ("config file not found",), names="",
         command=["compare", "{good}", "{config}.nope"]),
    Case("compare-unknown-metric", ("--metric 'foo'", "unknown metric"), names="",
         command=["compare", "{config}", "--metric", "foo"]),
    Case("benchmark-file-missing", ("NOBENCH.csv", "not found", "benchmark.symbol"), names="data_dir",
         patch={"benchmark": {"enabled": True, "symbol": "NOBENCH"}}, csv=GOOD_CSV),
]


@pytest.fixture(scope="module")
def earlier_run(tmp_path_factory):
    """One real, successful run in a results root that every case below must leave byte-for-byte alone."""
    root = tmp_path_factory.mktemp("results")
    config = tmp_path_factory.mktemp("cfg") / "earlier.yaml"
    config.write_text(yaml.safe_dump(merge(BASE, {"output": {"dir": str(root)}})))
    outcome = execute_run(config)
    assert outcome.run_dir.is_dir()
    return root, tree_digest(root)


def build(case: Case, tmp_path: Path, root: Path) -> tuple[list[str], dict[str, Path]]:
    """Write the case's files under tmp_path; return the CLI args and the paths a message may name."""
    paths = {"config": tmp_path / "case.yaml", "data_dir": tmp_path / "data", "results": root}
    paths["csv"] = paths["data_dir"] / "TEST.csv"
    paths["rut"] = Path(os.environ["RTYBT_DATA_DIR"]) / "^RUT.csv"
    paths["rut_name"] = "^RUT.csv"
    args = ["run", str(paths["config"])]
    config = merge(BASE, {"output": {"dir": str(root)}})
    if case.csv is not None:
        paths["data_dir"].mkdir()
        paths["csv"].write_text(case.csv)
        config = merge(config, TEST_DATA)
        args += ["--data-dir", str(paths["data_dir"])]
    if case.results is not None:
        blocker = tmp_path / "blocker"
        blocker.write_text("a file, not a folder\n")
        paths["results"] = blocker if case.results == "file" else blocker / "results"
        config = merge(config, {"output": {"dir": str(paths["results"])}})
    if case.patch:
        config = merge(config, case.patch)
    if case.text is None:
        paths["config"].write_text(yaml.safe_dump(config, sort_keys=False))
    elif isinstance(case.text, bytes):
        paths["config"].write_bytes(case.text)
    else:
        paths["config"].write_text(case.text)
    if case.command is not None:
        good = tmp_path / "good.yaml"  # a valid config that would run (and leave a run) if taken first
        good.write_text(yaml.safe_dump(merge(BASE, {"output": {"dir": str(root)}})))
        fill = {"{config}": str(paths["config"]), "{data_dir}": str(paths["data_dir"]), "{good}": str(good)}
        args = [fill.get(a, a.replace("{config}", str(paths["config"]))) for a in case.command]
        return args + case.args, paths
    return args + case.args, paths


def check_refusal(outcome, case: Case, paths: dict[str, Path]) -> str:
    assert outcome.code == 2, (outcome.code, outcome.stdout, outcome.stderr)
    assert "Traceback" not in outcome.stderr + outcome.stdout
    message = error_lines(outcome.stderr)[0]  # a missing data file adds a second line: how to fix it
    assert message.startswith("rtybt: error: ")
    if case.names:  # option-only errors (`--date notadate`) name the option instead, among the needles
        assert str(paths[case.names]) in message, f"{case.names} not named: {message}"
    for needle in case.needles:
        assert needle in message, f"{needle!r} missing from: {message}"
    return message


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_in_one_line(case, tmp_path, monkeypatch, earlier_run):
    root, before = earlier_run
    monkeypatch.chdir(tmp_path)  # a stray default `results/` would land here and be caught below
    args, paths = build(case, tmp_path, root)
    check_refusal(run_cli(args), case, paths)
    assert tree_digest(root) == before, "the earlier results changed"
    assert run_dirs(root) == run_dirs(root) and len(run_dirs(root)) == 1
    assert not any((root / ".staging").iterdir()) if (root / ".staging").exists() else True
    assert not (tmp_path / "results").exists()


# The same refusals through the installed console script in a fresh interpreter.
# One per layer (YAML, schema, data file, results location); each costs a fresh interpreter.
SUBPROCESS_CASES = ["python-object-tag", "name-escapes-results", "nan-row", "results-dir-is-a-file"]


@pytest.mark.parametrize("case_id", SUBPROCESS_CASES)
def test_bad_input_is_refused_by_the_console_script(case_id, tmp_path, earlier_run):
    root, before = earlier_run
    case = next(c for c in CASES if c.id == case_id)
    args, paths = build(case, tmp_path, root)
    check_refusal(run_subprocess(args, cwd=tmp_path), case, paths)
    assert tree_digest(root) == before
    assert not (tmp_path / "results").exists()


def test_catalogue_is_large_enough():
    assert len(CASES) >= 40 and len({c.id for c in CASES}) == len(CASES)
