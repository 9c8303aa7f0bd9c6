"""The bad-input catalogue, edges by class: values pandas parses without complaint, sizes, the other commands,
non-numbers as numbers. Each case runs the real CLI and gets what `run` gives: exit 2, one stderr line naming
the file and the key path or CSV line, no traceback, no run directory created, the earlier run untouched.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from rtybt.engine.data import load as data_load
from rtybt.engine.data.load import sha256_file
from tests.hardening.cli_harness import bars_csv, run_cli, run_dirs, tree_digest
from tests.hardening.test_bad_inputs import (
    ABSOLUTE_2025,
    BASE,
    GOOD_CSV,
    Case,
    Replace,
    build,
    check_refusal,
    csv_lines,
    earlier_run,  # noqa: F401  (the module-scoped fixture: one real run every case must leave alone)
    merge,
    set_line,
)

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "tests" / "regression" / "baselines" / "ma_reclaim.json"
LONG = "X" * 300


@dataclass
class Edge(Case):
    """A Case plus what it needs beyond a config and a CSV: a damaged run directory, a baseline, a limit."""

    prepare: Callable[[Path, dict], None] | None = None  # (tmp_path, paths) -> extra files
    limits: dict = field(default_factory=dict)  # engine.data.load attribute -> value for this case


def dates_as(fmt: str, rows: int = 60) -> str:
    """GOOD_CSV with its dates written in another format."""
    frame = bars_csv(rows)
    frame["Date"] = [d.strftime(fmt) for d in __import__("pandas").to_datetime(frame["Date"])]
    return frame.to_csv(index=False)


def with_dates(dates: list[str]) -> str:
    lines = GOOD_CSV.splitlines()
    rows = [f"{d},{line.split(',', 1)[1]}" for d, line in zip(dates, lines[1:], strict=False)]
    return "\n".join([lines[0], *rows]) + "\n"


# -- the run directory `rtybt report` reads, copied from the earlier run and then damaged --------------------
def damaged_run(edit: Callable[[Path], None], rehash: bool = True):
    """A copy of the earlier run, damaged by `edit`. With `rehash` the manifest's checksums are made to agree
    with the damaged files (as a buggy writer would have left them), so the checks behind the checksums run."""
    def prepare(tmp_path: Path, paths: dict) -> None:
        run = tmp_path / "run"
        shutil.copytree(run_dirs(paths["results"])[0], run)
        edit(run)
        manifest_path = run / "manifest.json"
        manifest = json.loads(manifest_path.read_text())
        if rehash and isinstance(manifest, dict) and isinstance(manifest.get("files"), dict):
            manifest["files"] = {name: sha256_file(run / name) for name in manifest["files"]}
            manifest_path.write_text(json.dumps(manifest))
        paths["run"] = run
    return prepare


def rewrite_json(name: str, change: Callable):
    def edit(run: Path) -> None:
        path = run / name
        path.write_text(json.dumps(change(json.loads(path.read_text()))))
    return edit


def replace_line(name: str, index: int, old: str, new: str):
    def edit(run: Path) -> None:
        path = run / name
        lines = path.read_text().splitlines()
        assert old in lines[index], (name, lines[index])
        lines[index] = lines[index].replace(old, new, 1)
        path.write_text("\n".join(lines) + "\n")
    return edit


def drop(mapping: dict, key: str) -> dict:
    mapping.pop(key)
    return mapping


def tearsheet_is_a_folder(run: Path) -> None:
    (run / "tearsheet.html").mkdir()
    (run / "tearsheet.html" / "keep").write_text("a folder where the report goes\n")


def config_yaml_is(text: str):
    def edit(run: Path) -> None:
        (run / "config.yaml").write_text(text)
    return edit


# -- a baseline `rtybt regress` compares with, damaged ------------------------------------------------------
def baseline(change: Callable):
    def prepare(tmp_path: Path, paths: dict) -> None:
        folder = tmp_path / "tests" / "regression" / "baselines"
        folder.mkdir(parents=True)
        paths["baseline"] = folder / "case.json"
        paths["baseline"].write_text(json.dumps(change(json.loads(BASELINE.read_text()))))
    return prepare


def set_in(path: list, value):
    def change(record):
        node = record
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return record
    return change


def data_file_is_2_gib_of_nul_bytes(tmp_path: Path, paths: dict) -> None:
    with paths["csv"].open("wb") as fh:
        fh.truncate(2 * 1024**3)  # sparse: 2 GiB of NUL bytes to read, none on disk


def data_file_is_dev_zero(tmp_path: Path, paths: dict) -> None:
    paths["csv"].unlink()
    paths["csv"].symlink_to("/dev/zero")


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
) + "strategy: {name: ma_reclaim}\n"
NESTED = "strategy: {name: ma_reclaim}\ndata: " + "[" * 20_000 + "]" * 20_000 + "\n"
DEEP_MAPS = "strategy: {name: ma_reclaim}\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(100)) + "  " * 100 + "v: 1\n"
SWEEP_GRID = {"sweep": {"grid": {"ma_period": [10, 20]}}}
SHORT_WINDOWS = {"walkforward": {"train_bars": 60, "test_bars": 20}}

EDGES = [
    # -- values pandas parses without complaint --
    Edge("csv-inf-close", ("line 6", "Close is not a finite number 'inf'", "data.validation.nan"), names="csv",
         csv=csv_lines(set_line(5, "2020-01-07,inf,101,99,100,1000"))),
    Edge("csv-minus-inf-open", ("line 7", "Open is not a finite number '-inf'", "data.validation.nan"), names="csv",
         csv=csv_lines(set_line(6, "2020-01-08,100,101,99,-inf,1000"))),
    Edge("csv-infinity-word", ("line 8", "High is not a finite number 'Infinity'"), names="csv",
         csv=csv_lines(set_line(7, "2020-01-09,100,Infinity,99,100,1000"))),
    Edge("csv-nan-volume", ("line 9", "Volume is missing", "data.validation.nan"), names="csv",
         csv=csv_lines(set_line(8, "2020-01-10,100,101,99,100,NaN"))),
    Edge("csv-hex-price", ("line 5", "non-numeric '0x64'"), names="csv",
         csv=csv_lines(set_line(4, "2020-01-06,0x64,101,99,100,1000"))),
    Edge("csv-true-price", ("line 5", "non-numeric 'True'"), names="csv",
         csv=csv_lines(set_line(4, "2020-01-06,True,101,99,100,1000"))),
    Edge("csv-1e308-close", ("line 6 (2020-01-07)", "Close 1e+308 is beyond 1e+12"), names="csv",
         csv=csv_lines(set_line(5, "2020-01-07,1e308,101,99,100,1000"))),
    Edge("csv-huge-low-in-data-check", ("line 6", "Low -1e+300 is beyond"), names="csv",
         csv=csv_lines(set_line(5, "2020-01-07,100,101,-1e300,100,1000")),
         command=["data", "check", "TEST", "--data-dir", "{data_dir}"]),
    Edge("csv-huge-volume", ("line 4", "Volume 1e+20 is beyond 1e+15"), names="csv",
         csv=csv_lines(set_line(3, "2020-01-03,100,101,99,100,1e20"))),
    Edge("csv-negative-volume", ("line 6", "Volume -5 is negative"), names="csv",
         csv=csv_lines(set_line(5, "2020-01-07,100,101,99,100,-5"))),
    Edge("csv-negative-volume-in-snapshot", ("line 6", "Volume -5 is negative"), names="csv",
         csv=csv_lines(set_line(5, "2020-01-07,100,101,99,100,-5")),
         command=["snapshot", "--symbol", "TEST", "--data-dir", "{data_dir}"]),
    Edge("csv-year-9999", ("line 62", "9999-01-04", "outside 1700-01-01"), names="csv",
         csv=GOOD_CSV + "9999-01-04,100,101,99,100,1000\n"),
    Edge("csv-year-9999-in-data-check", ("line 62", "9999-01-04"), names="csv",
         csv=GOOD_CSV + "9999-01-04,100,101,99,100,1000\n", command=["data", "check", "TEST", "--data-dir", "{data_dir}"]),
    Edge("csv-year-1600", ("line 2", "1600-01-03", "outside"), names="csv",
         csv=csv_lines(set_line(1, "1600-01-03,100,101,99,100,1000"))),
    Edge("csv-date-read-as-year-0", ("line 7", "date 0000-01-01 is outside"), names="csv",
         csv=csv_lines(set_line(6, "/1,100,101,99,100,1000"))),
    Edge("csv-negative-zero-price", ("line 6", "prices <= 0", "Close=-0"), names="csv",
         csv=csv_lines(set_line(5, "2020-01-07,-0,101,99,100,1000"))),
    Edge("csv-day-month-ambiguous", ("line 2", "'01/02/2020'", "day-first or month-first"), names="csv",
         csv=with_dates([f"{m:02d}/{d:02d}/2020" for m in range(1, 13) for d in range(1, 13) if d != m][:60])),
    Edge("csv-day-month-both-orders", ("line 4", "'01/14/2020'", "other order than line 3"), names="csv",
         csv=with_dates(["01/02/2020", "13/01/2020", "01/14/2020"] + [f"{d:02d}/03/2020" for d in range(1, 29)]
                        + [f"{d:02d}/04/2020" for d in range(1, 30)])),
    Edge("csv-day-month-both-orders-in-snapshot", ("'01/14/2020'", "other order"), names="csv",
         csv=with_dates(["01/02/2020", "13/01/2020", "01/14/2020"] + [f"{d:02d}/03/2020" for d in range(1, 29)]),
         command=["snapshot", "--symbol", "TEST", "--data-dir", "{data_dir}"]),
    Edge("csv-two-digit-year", ("line 2", "'01/01/20'", "two-digit year"), names="csv", csv=dates_as("%d/%m/%y")),
    Edge("csv-hour-25-with-offset", ("line 7", "cannot read date"), names="csv",
         csv=csv_lines(set_line(6, "2020-01-08 25:00:00-05:00,100,101,99,100,1000"))),
    Edge("csv-named-zone", ("line 7", "cannot read date"), names="csv",
         csv=csv_lines(set_line(6, "2020-01-08 00:00:00 America/New_York,100,101,99,100,1000"))),
    # -- sizes --
    Edge("symbol-300-characters", ("data.symbol", "300 characters long", "at most 32"),
         patch={"data": {"symbol": LONG}}),
    Edge("benchmark-symbol-300-characters", ("benchmark.symbol", "300 characters long"),
         patch={"benchmark": {"enabled": True, "symbol": LONG}}),
    Edge("symbol-control-character", ("data.symbol", "control characters"), patch={"data": {"symbol": "^R\x01UT"}}),
    Edge("symbol-with-space", ("data.symbol", "spaces"), patch={"data": {"symbol": "^R UT"}}),
    Edge("snapshot-symbol-300-characters", ("--symbol", "300 characters long"), names="",
         command=["snapshot", "--symbol", LONG]),
    Edge("snapshot-peer-300-characters", ("--peers", "300 characters long"), names="",
         command=["snapshot", "--peers", f"SPY,{LONG}"]),
    Edge("data-check-symbol-300-characters", ("not a valid symbol", "300 characters long"), names="",
         command=["data", "check", LONG]),
    Edge("yaml-alias-bomb", ("invalid YAML", "aliases expand to more than 100,000"), text=ALIAS_BOMB),
    Edge("yaml-recursive-alias", ("invalid YAML", "refers to the node that contains it"),
         text="strategy: {name: ma_reclaim}\nloop: &a [*a]\n"),
    Edge("yaml-20000-nested-brackets", ("invalid YAML", "line 2", "nested deeper than 64"), text=NESTED),
    Edge("yaml-100-nested-mappings", ("invalid YAML", "nested deeper than 64"), text=DEEP_MAPS),
    Edge("config-over-256-KiB", ("larger than 256 KiB",), text="strategy: {name: ma_reclaim}\n" + "#" * 300_000 + "\n"),
    Edge("config-is-dev-zero", ("/dev/zero", "larger than 256 KiB"), names="", command=["run", "/dev/zero"]),
    Edge("config-of-nul-bytes", ("invalid YAML",), text=b"\0" * 1000),
    Edge("sweep-config-alias-bomb", ("aliases expand",), text=ALIAS_BOMB, command=["sweep", "{config}"]),
    Edge("regress-config-nested-brackets", ("nested deeper",), text=NESTED, command=["regress", "{config}"]),
    Edge("csv-all-nul-bytes", ("line 1", "NUL byte", "binary file"), names="csv", csv="\0" * 200_000),
    Edge("csv-nul-in-a-row", ("line 6", "NUL byte"), names="csv",
         csv=csv_lines(set_line(5, "2020-01-07,100\0,101,99,100,1000"))),
    Edge("csv-line-over-4096-bytes", ("line 9", "longer than 4096 bytes"), names="csv",
         csv=csv_lines(set_line(8, "2020-01-12,100,101,99,100," + "1" * 5000))),
    Edge("csv-header-over-4096-bytes", ("line 1", "longer than 4096 bytes"), names="csv",
         csv="Date,Close,High,Low,Open,Volume," + "Z" * 5000 + "\n" + GOOD_CSV.split("\n", 1)[1]),
    Edge("csv-file-over-the-size-limit", ("larger than 2,000 bytes",), names="csv", csv=GOOD_CSV,
         limits={"MAX_CSV_BYTES": 2000}),
    Edge("csv-2-GiB-of-NUL-bytes", ("larger than 64 MiB",), names="csv", csv="", prepare=data_file_is_2_gib_of_nul_bytes),
    Edge("csv-is-dev-zero", ("not a regular file",), names="csv", csv=GOOD_CSV, prepare=data_file_is_dev_zero),
    Edge("param-value-100k-characters", ("strategy.params.ma_period", "whole number", "characters ...]"),
         patch={"strategy": {"params": {"ma_period": "9" * 50 + "x" * 100_000}}}),
    Edge("unknown-key-10k-characters", ("unknown key", "characters ...]"), patch={"k" * 10_000: 1}),
    Edge("set-value-deeply-nested", ("strategy.params.ma_period", "whole number"),
         args=["--set", "strategy.params.ma_period=" + "[" * 2000 + "]" * 2000]),
    # -- other commands than run --
    Edge("sweep-look-back-longer-than-data", ("sweep variant ma_period=500", "strategy.params.ma_period", "500 bars"),
         command=["sweep", "{config}", "--grid", "ma_period=10,500", "--workers", "1"]),
    Edge("sweep-look-back-longer-than-data-on-a-pool", ("sweep variant ma_period=500", "500 bars"),
         command=["sweep", "{config}", "--grid", "ma_period=10,500", "--workers", "2"]),
    Edge("walkforward-look-back-longer-than-window",
         ("walk-forward in-sample window", "walkforward.train_bars=60", "strategy.params.ma_period: 80 bars"),
         patch=SHORT_WINDOWS, command=["walkforward", "{config}", "--grid", "ma_period=10,80", "--workers", "1"]),
    Edge("walkforward-windows-longer-than-data", ("walkforward.train_bars + walkforward.test_bars", "1000 + 20"),
         patch={"walkforward": {"train_bars": 1000, "test_bars": 20}, **SWEEP_GRID},
         command=["walkforward", "{config}", "--workers", "1"]),
    Edge("sweep-absolute-level-no-bar-comes-near", ("sweep variant breakout_level=21000", "no bars in range"),
         patch={"strategy": Replace(ABSOLUTE_2025), "data": {"start": "2025-03-01", "end": "2025-06-30"}},
         command=["sweep", "{config}", "--grid", "breakout_level=2100,21000", "--workers", "1"]),
    Edge("walkforward-absolute-level-no-bar-comes-near", ("sweep variant breakout_level=50000", "no bars in range"),
         patch={"strategy": Replace(ABSOLUTE_2025), "data": {"start": "2025-01-01", "end": "2025-06-30"},
                **SHORT_WINDOWS},
         command=["walkforward", "{config}", "--grid", "breakout_level=2100,50000", "--workers", "1"]),
    Edge("regress-jobs-zero", ("--jobs", "greater than or equal to 1"), names="",
         command=["regress", "{config}", "-j", "0"]),
    Edge("regress-baseline-metric-is-text", ("tests/regression/baselines/case.json: not a valid baseline", "metrics.sharpe", "valid number"),
         names="", prepare=baseline(set_in(["metrics", "sharpe"], "high")), command=["regress", "{config}"]),
    Edge("regress-baseline-trades-not-a-list", ("tests/regression/baselines/case.json: not a valid baseline", "trades"), names="",
         prepare=baseline(set_in(["trades"], {"a": 1})), command=["regress", "{config}"]),
    Edge("regress-baseline-short-trade-row", ("tests/regression/baselines/case.json: not a valid baseline", "trades row 1 has 2 values"), names="",
         prepare=baseline(set_in(["trades"], [["closed", "long"]])), command=["regress", "{config}"]),
    Edge("regress-baseline-returns-garbage", ("tests/regression/baselines/case.json: not a valid baseline", "returns.years", "'oops'"), names="",
         prepare=baseline(lambda r: set_in(["returns", "years", next(iter(r["returns"]["years"])), "values"],
                                           "0.1 oops")(r)), command=["regress", "{config}"]),
    Edge("regress-baseline-data-not-a-list", ("tests/regression/baselines/case.json: not a valid baseline", "data"), names="",
         prepare=baseline(set_in(["data"], "^RUT.csv")), command=["regress", "{config}"]),
    Edge("report-manifest-is-a-list", ("manifest.json", "not a provenance record"), names="run",
         prepare=damaged_run(rewrite_json("manifest.json", lambda m: [m])), command=["report", "{run}"]),
    Edge("report-manifest-inputs-not-a-list", ("manifest.json", "not a provenance record"), names="run",
         prepare=damaged_run(rewrite_json("manifest.json", lambda m: {**m, "inputs": "^RUT.csv"})),
         command=["report", "{run}"]),
    Edge("report-trades-cut-mid-line", ("trades.csv", "changed since the run wrote it"), names="run",
         prepare=damaged_run(lambda run: (run / "trades.csv").write_bytes((run / "trades.csv").read_bytes()[:-20]),
                             rehash=False), command=["report", "{run}"]),
    Edge("report-metrics-is-a-list", ("metrics.json", "JSON object", "got a list"), names="run",
         prepare=damaged_run(rewrite_json("metrics.json", lambda m: [m])), command=["report", "{run}"]),
    Edge("report-metrics-without-strategy", ("metrics.json", "strategy: missing"), names="run",
         prepare=damaged_run(rewrite_json("metrics.json", lambda m: drop(m, "strategy"))), command=["report", "{run}"]),
    Edge("report-metrics-not-json", ("metrics.json", "unreadable run file"), names="run",
         prepare=damaged_run(lambda run: (run / "metrics.json").write_text("{\"strategy\": ")),
         command=["report", "{run}"]),
    Edge("report-returns-unreadable-date", ("returns.csv", "line 3", "cannot read date '2020-13-45'"), names="run",
         prepare=damaged_run(replace_line("returns.csv", 2, "2020-01-03", "2020-13-45")), command=["report", "{run}"]),
    Edge("report-returns-not-a-number", ("returns.csv", "line 2", "not a number 'abc'"), names="run",
         prepare=damaged_run(replace_line("returns.csv", 1, ",0.0,", ",abc,")), command=["report", "{run}"]),
    Edge("report-setups-unreadable-date", ("setups.csv", "line 2", "cannot read date"), names="run",
         prepare=damaged_run(lambda run: (run / "setups.csv").write_text("date\nnotadate\n")),
         command=["report", "{run}"]),
    Edge("report-config-alias-bomb", ("config.yaml", "aliases expand"), names="run",
         prepare=damaged_run(config_yaml_is(ALIAS_BOMB)), command=["report", "{run}"]),
    Edge("report-cannot-write-the-tearsheet", ("cannot write the report",), names="run",
         prepare=damaged_run(tearsheet_is_a_folder), command=["report", "{run}"]),
    Edge("sweep-grid-flag-not-plain-values", ("--grid ma_period", "cannot read the values", "'[1,2]'"), names="",
         command=["sweep", "{config}", "--grid", "ma_period=[1,2]"]),
    Edge("regress-config-is-dev-zero", ("/dev/zero", "not a regular file"), names="", command=["regress", "/dev/zero"]),
    Edge("report-run-dir-is-a-device", ("/dev/null", "not a run directory (not a folder)"), names="",
         command=["report", "/dev/null"]),
    # -- non-numbers as numbers --
    Edge("cash-inf", ("broker.cash", "finite number", "inf"), patch={"broker": {"cash": float("inf")}}),
    Edge("cash-nan", ("broker.cash", "finite number"), patch={"broker": {"cash": float("nan")}}),
    Edge("cash-true", ("broker.cash", "must be a number, not true"), patch={"broker": {"cash": True}}),
    Edge("cash-false", ("broker.cash", "must be a number, not false"), patch={"broker": {"cash": False}}),
    Edge("cash-inf-from-set", ("broker.cash", "finite number"), args=["--set", "broker.cash=.inf"]),
    Edge("equity-fraction-true", ("sizing.equity_fraction", "not true"), patch={"sizing": {"equity_fraction": True}}),
    Edge("units-inf", ("sizing.units", "finite number"),
         patch={"sizing": {"method": "fixed_units", "units": float("inf")}}),
    Edge("horizons-true-item", ("event_study.horizons", "not true/false"), patch={"event_study": {"horizons": [True, 20]}}),
    Edge("max-gap-days-true", ("data.validation.max_gap_days", "not true"),
         patch={"data": {"validation": {"max_gap_days": True}}}),
    Edge("risk-free-rate-nan", ("analysis.risk_free_rate", "finite number"),
         patch={"analysis": {"risk_free_rate": float("nan")}}),
    Edge("stop-pct-nan", ("strategy.params.stop_pct", "finite number"),
         patch={"strategy": {"params": {"stop_pct": float("nan")}}}),
    Edge("rsi-min-inf", ("strategy.params.rsi_min", "finite number"),
         patch={"strategy": Replace({"name": "rsi_momentum", "params": {"rsi_min": float("inf")}})}),
    Edge("ma-period-inf", ("strategy.params.ma_period", "whole number"),
         patch={"strategy": {"params": {"ma_period": float("inf")}}}),
    Edge("ma-period-true", ("strategy.params.ma_period", "whole number"), patch={"strategy": {"params": {"ma_period": True}}}),
    Edge("sweep-grid-value-nan", ("sweep variant", "strategy.params.stop_pct", "finite number"),
         command=["sweep", "{config}", "--grid", "stop_pct=0.05,.nan", "--workers", "1"]),
    Edge("sweep-top-true", ("sweep.top", "not true"), patch={"sweep": {"grid": {"ma_period": [10, 20]}, "top": True}},
         command=["sweep", "{config}"]),
    Edge("walkforward-train-bars-inf", ("walkforward.train_bars", "finite number"),
         patch={"walkforward": {"train_bars": float("inf")}, **SWEEP_GRID}, command=["walkforward", "{config}"]),
    Edge("walkforward-anchored-number-is-fine-but-train-true", ("walkforward.train_bars", "not true"),
         patch={"walkforward": {"train_bars": True}, **SWEEP_GRID}, command=["walkforward", "{config}"]),
]


# -- issue #25 (stores, run folders, terminal): baselines with non-finite or wrongly typed values, a stored
# config's strategy file asked for and not the pinned source, control sequences in a CSV ------------------------
def _first_year(record: dict) -> dict:
    return record["returns"]["years"][next(iter(record["returns"]["years"]))]


def _year_edit(change: Callable[[dict], None]):
    def edit(record: dict) -> dict:
        change(_first_year(record))
        return record
    return edit


def _planted_strategy(file_name: str | None):
    """config.yaml names a strategy file (a copy of the example's, planted in the run folder, or none there)."""
    def edit(run: Path) -> None:
        if file_name is not None:
            (run / file_name).write_text((REPO / "examples" / "my_strategies" / "pullback.py").read_text())
        raw = yaml.safe_load((run / "config.yaml").read_text())
        raw["strategy"] = {**raw["strategy"], "name": "pullback", "file": str(run / (file_name or "gone.py"))}
        (run / "config.yaml").write_text(yaml.safe_dump(raw))
    return edit


BAD_BASELINE = ("tests/regression/baselines/case.json: not a valid baseline",)
REGRESS = ["regress", "{config}"]
STORE_EDGES = [
    Edge("regress-baseline-nan-daily-return", (*BAD_BASELINE, "returns.years.", "'nan' is not a finite number"),
         names="", prepare=baseline(_year_edit(lambda y: y.__setitem__("values", "nan " + y["values"].split(" ", 1)[1]))),
         command=REGRESS),
    Edge("regress-baseline-infinite-daily-return", (*BAD_BASELINE, "'-inf' is not a finite number"), names="",
         prepare=baseline(_year_edit(lambda y: y.__setitem__("values", y["values"].rsplit(" ", 1)[0] + " -inf"))),
         command=REGRESS),
    Edge("regress-baseline-year-missing-a-value", (*BAD_BASELINE, "returns.years.", "values for", "bars"), names="",
         prepare=baseline(_year_edit(lambda y: y.__setitem__("values", y["values"].rsplit(" ", 1)[0]))),
         command=REGRESS),
    Edge("regress-baseline-year-without-values", (*BAD_BASELINE, ".values", "Field required"), names="",
         prepare=baseline(_year_edit(lambda y: y.pop("values"))), command=REGRESS),
    Edge("regress-baseline-year-bars-is-a-list", (*BAD_BASELINE, ".bars", "valid integer"), names="",
         prepare=baseline(_year_edit(lambda y: y.__setitem__("bars", [1, 2]))), command=REGRESS),
    Edge("regress-baseline-year-compound-nan", (*BAD_BASELINE, ".compound", "finite number"), names="",
         prepare=baseline(_year_edit(lambda y: y.__setitem__("compound", float("nan")))), command=REGRESS),
    Edge("regress-baseline-nan-metric", (*BAD_BASELINE, "metrics.sharpe", "finite number"), names="",
         prepare=baseline(set_in(["metrics", "sharpe"], float("nan"))), command=REGRESS),
    Edge("regress-baseline-infinite-benchmark-metric", (*BAD_BASELINE, "benchmark.metrics.cagr", "finite number"),
         names="", prepare=baseline(set_in(["benchmark", "metrics", "cagr"], float("inf"))), command=REGRESS),
    Edge("regress-baseline-metric-is-a-list", (*BAD_BASELINE, "metrics.sharpe", "valid number"), names="",
         prepare=baseline(set_in(["metrics", "sharpe"], [1.0, 2.0])), command=REGRESS),
    Edge("regress-baseline-metric-is-true", (*BAD_BASELINE, "metrics.sharpe"), names="",
         prepare=baseline(set_in(["metrics", "sharpe"], True)), command=REGRESS),
    Edge("regress-baseline-nan-in-a-trade", (*BAD_BASELINE, "trades row 1", "not a finite number"), names="",
         prepare=baseline(lambda r: set_in(["trades", 0, len(r["trade_columns"]) - 1], float("nan"))(r)),
         command=REGRESS),
    Edge("regress-baseline-trade-cell-is-a-list", (*BAD_BASELINE, "trades row 1", "not a finite number"), names="",
         prepare=baseline(lambda r: set_in(["trades", 0, 0], [1])(r)), command=REGRESS),
    Edge("report-trust-strategy-file-not-the-pinned-source", ("strategy.file", "is not the source the run used"),
         names="run", prepare=damaged_run(_planted_strategy("evil.py")),
         command=["report", "{run}", "--trust-strategy-file"]),
    Edge("report-trust-strategy-file-missing", ("strategy.file", "strategy file not found"), names="run",
         prepare=damaged_run(_planted_strategy(None)), command=["report", "{run}", "--trust-strategy-file"]),
    Edge("report-trust-strategy-file-not-a-path", ("config.yaml", "strategy.file: not a file path"), names="run",
         prepare=damaged_run(lambda run: (run / "config.yaml").write_text(
             yaml.safe_dump({**yaml.safe_load((run / "config.yaml").read_text()),
                             "strategy": {"name": "pullback", "file": 123}}))),
         command=["report", "{run}", "--trust-strategy-file"]),
    Edge("csv-header-with-a-terminal-title-sequence", ("missing column", "\\x1b]0;owned\\x07"), names="csv",
         csv=GOOD_CSV.replace("Date", "Date\x1b]0;owned\x07", 1)),
    Edge("csv-date-with-a-clear-screen-sequence", ("line 4", "\\x1b[2J"), names="csv",
         csv=csv_lines(lambda lines: lines.__setitem__(3, "\x1b[2J" + lines[3]))),
    Edge("csv-date-with-a-c1-control", ("line 5", "\\x9b"), names="csv",
         csv=csv_lines(lambda lines: lines.__setitem__(4, "\x9b2J" + lines[4]))),
]
EDGES += STORE_EDGES
# -- end of the issue #25 block --------------------------------------------------------------------------------

def runs_only(digest: dict[str, str]) -> dict[str, str]:
    """The results tree without the variant store: a sweep stops on a variant that cannot run, and the variants
    that finished before it stay stored for --resume (a cache keyed by config and data, not a result)."""
    return {k: v for k, v in digest.items() if not k.startswith(".variants")}


def build_edge(case: Edge, tmp_path: Path, root: Path) -> tuple[list[str], dict]:
    args, paths = build(case, tmp_path, root)
    if case.prepare is not None:
        case.prepare(tmp_path, paths)
    fill = {"{run}": str(paths.get("run", "")), "{baseline}": str(paths.get("baseline", ""))}
    return [fill.get(a, a) for a in args], paths


@pytest.mark.parametrize("case", EDGES, ids=[c.id for c in EDGES])
def test_edge_is_refused_in_one_line(case, tmp_path, monkeypatch, earlier_run):  # noqa: F811
    root, before = earlier_run
    monkeypatch.chdir(tmp_path)  # a stray default `results/` would land here and be caught below
    for name, value in case.limits.items():
        monkeypatch.setattr(data_load, name, value)
    args, paths = build_edge(case, tmp_path, root)
    message = check_refusal(run_cli(args), case, paths)
    assert len(message) <= 600, "a message echoes a bounded part of the bad value"
    assert runs_only(tree_digest(root)) == runs_only(before), "the earlier results changed"
    assert len(run_dirs(root)) == 1
    assert not any((root / ".staging").iterdir()) if (root / ".staging").exists() else True
    assert not (tmp_path / "results").exists()
    if "run" in paths:  # `report` left no temporary file in the damaged run directory
        assert not list(paths["run"].glob(".*.tmp*"))


def test_edge_catalogue_is_large_enough():
    assert len(EDGES) >= 60 and len({c.id for c in EDGES}) == len(EDGES)
    from tests.hardening.test_bad_inputs import CASES

    assert not {c.id for c in EDGES} & {c.id for c in CASES}


# -- what is no longer an error: readings that used to crash or mislead now read right ----------------------
def _frame(tmp_path: Path, text: str):
    folder = tmp_path / "d"
    folder.mkdir(exist_ok=True)
    (folder / "TEST.csv").write_text(text)
    return data_load.load_bars("TEST", folder, allow_download=False).frame


def test_offsets_that_change_with_daylight_saving_keep_the_calendar_date(tmp_path):
    plain = _frame(tmp_path, GOOD_CSV)
    zoned = with_dates([f"{d:%Y-%m-%d} 00:00:00{'-04:00' if d.month >= 3 and d.day >= 9 else '-05:00'}"
                        for d in plain.index])
    assert "-04:00" in zoned and "-05:00" in zoned
    assert _frame(tmp_path, zoned).equals(plain)


def test_day_first_dates_are_read_day_first_when_the_file_shows_it(tmp_path):
    plain = _frame(tmp_path, GOOD_CSV)
    assert _frame(tmp_path, dates_as("%d/%m/%Y")).equals(plain)
    assert _frame(tmp_path, dates_as("%m/%d/%Y")).equals(plain)


def _strict(text: str):
    def refuse(token):
        raise AssertionError(f"{token} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_json_output_turns_non_finite_numbers_into_null():
    import numpy as np

    from rtybt.engine.core.json_text import json_text

    payload = {"rsi": float("nan"), "rows": [np.float64("inf"), -float("inf"), 1.5], "n": (np.float32("nan"), 2)}
    assert _strict(json_text(payload)) == {"rsi": None, "rows": [None, None, 1.5], "n": [None, 2]}


def test_snapshot_json_is_strict_json():
    out = run_cli(["snapshot", "--date", "2020-03-20", "--json"])  # a crash: every reading extreme
    assert out.code == 0, out.stderr
    assert _strict(out.stdout)["bar_date"] == "2020-03-20"


def test_resume_reruns_a_damaged_store_entry_and_ends_with_the_same_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "sweep.yaml"
    config.write_text(yaml.safe_dump(merge(BASE, {"output": {"dir": str(tmp_path / "results")}, **SWEEP_GRID})))
    first = run_cli(["-q", "sweep", config, "--workers", "1"])
    assert first.code == 0, first.stderr
    entries = sorted((tmp_path / "results" / ".variants").glob("*.json"))
    assert len(entries) == 2
    entries[0].write_text("[1, 2")  # cut mid-write by a crash of another tool, say
    entries[1].write_text(json.dumps({**json.loads(entries[1].read_text()), "returns": "oops"}))
    again = run_cli(["-q", "sweep", config, "--workers", "1", "--resume", "--json"])
    assert again.code == 0, again.stderr
    summary = json.loads(again.stdout)
    assert (summary["computed"], summary["reused"]) == (2, 0)
    tables = sorted((tmp_path / "results").glob("sweep-sweep/*/sweep.csv"))
    assert len(tables) == 2 and tables[0].read_bytes() == tables[1].read_bytes()

