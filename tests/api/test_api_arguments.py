"""API arguments are checked like the CLI's options, and errors name the argument the caller passed, not a flag."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

import rtybt
from rtybt.engine.api.arguments import api_message
from rtybt.engine.cli import app
from tests.conftest import REPO, error_lines

SNAPSHOT = REPO / "data" / "snapshot"
FLAG = re.compile(r"(?<![\w/-])--[a-z]")  # a CLI flag, as a message for the command line names it


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    monkeypatch.setenv("RTYBT_OFFLINE", "1")
    monkeypatch.delenv("RTYBT_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def small_config(tmp_path) -> str:
    path = tmp_path / "small.yaml"
    path.write_text(json.dumps({"name": "small", "data": {"symbol": "^RUT", "start": "2016-01-01", "end": "2016-12-31"},
                                "strategy": {"name": "ma_reclaim"}, "output": {"tearsheet": False}}))
    return str(path)


# (CLI argv, the same call through Python, what the CLI's message says, what the API's message starts with)
DOORS = [
    (["analogs", "--symbol", "RTY=F", "--date", "2025-05-08", "--k", "0"],
     lambda tmp: rtybt.analogs("RTY=F", "2025-05-08", k=0, data_dir=SNAPSHOT),
     "--k 0: the number of analogs must be at least 1", "k=0: the number of analogs must be at least 1"),
    (["analogs", "--symbol", "RTY=F", "--date", "2025-05-08", "--horizon", "0"],
     lambda tmp: rtybt.analogs("RTY=F", "2025-05-08", horizon=0, data_dir=SNAPSHOT),
     "--horizon 0: the forward window", "horizon=0: the forward window must be at least 1 session"),
    (["analogs", "--symbol", "RTY=F", "--date", "2025-05-08", "--k", "20x"],
     lambda tmp: rtybt.analogs("RTY=F", "2025-05-08", k="20", data_dir=SNAPSHOT),
     "Invalid value for '--k'", "k: expected a whole number, got the text '20'"),
    (["snapshot", "--symbol", "RTY=F", "--date", "2025-13-01"],
     lambda tmp: rtybt.snapshot("RTY=F", "2025-13-01", data_dir=SNAPSHOT),
     "--date: '2025-13-01' is not a date", "date: '2025-13-01' is not a date (expected YYYY-MM-DD"),
    (["snapshot", "--symbol", "RTY=F", "--date", "8 May 2025"],  # the command line has text only: a number is text
     lambda tmp: rtybt.snapshot("RTY=F", 20250508, data_dir=SNAPSHOT),
     "--date: '8 May 2025' is not a date", "date: expected a date as YYYY-MM-DD (e.g. 2025-05-08), got the number"),
    (["snapshot", "--symbol", "RUT", "--data-dir", "{tmp}"],
     lambda tmp: rtybt.snapshot("RUT", data_dir=tmp),
     "--symbol RUT: no bars: RUT.csv not found", "symbol=RUT: no bars: RUT.csv not found"),
    (["compare", "{config}", "--metric", "foo"],
     lambda tmp: rtybt.compare([small_config(tmp)], metric="foo"),
     "--metric 'foo': unknown metric", "metric='foo': unknown metric"),
    (["sweep", "{config}", "--workers", "0"],
     lambda tmp: rtybt.sweep(small_config(tmp), workers=0),
     "Invalid value for '--workers'", "workers=0: must be at least 1"),
    (["sweep", "{config}", "--top", "0"],
     lambda tmp: rtybt.sweep(small_config(tmp), top=0),
     "Invalid value for '--top'", "top=0: must be at least 1"),
]


@pytest.mark.parametrize(("argv", "call", "cli_says", "api_says"), DOORS, ids=[" ".join(d[0][:1] + d[0][-2:]) for d in DOORS])
def test_the_same_bad_value_through_both_doors(argv, call, cli_says, api_says, tmp_path):
    fill = {"{tmp}": str(tmp_path), "{config}": small_config(tmp_path)}
    cli = CliRunner().invoke(app, [fill.get(a, a) for a in argv])
    assert cli.exit_code == 2, cli.output
    assert cli_says in error_lines(cli.stderr)[0]

    with pytest.raises(rtybt.UserError) as raised:
        call(tmp_path)
    message = str(raised.value)
    assert message.startswith(api_says), message
    assert not FLAG.search(message), f"the API's message names a CLI flag: {message}"


def test_the_missing_symbol_says_the_same_in_both_doors_but_the_name(tmp_path):
    cli = CliRunner().invoke(app, ["snapshot", "--symbol", "RUT", "--data-dir", str(tmp_path)])
    with pytest.raises(rtybt.DataError) as raised:
        rtybt.snapshot("RUT", data_dir=tmp_path)
    what, fix = str(raised.value).split("\n")
    assert what.endswith("(did you mean ^RUT?)") and fix.startswith("  fix: use ^RUT, or put RUT.csv")
    assert "data_dir / RTYBT_DATA_DIR" in fix
    assert [line.replace("--data-dir", "data_dir") for line in error_lines(cli.stderr)] == [
        "rtybt: error: --symbol RUT" + what.removeprefix("symbol=RUT"), fix]


@pytest.mark.parametrize(("call", "says"), [
    (lambda: rtybt.analogs(k=True), "k: expected a whole number, got a yes/no value"),
    (lambda: rtybt.analogs(symbol=None), "symbol: expected a non-empty text, e.g. RTY=F, got nothing"),
    (lambda: rtybt.snapshot(peers=3), "peers: expected a list of symbols or a comma-separated text"),
    (lambda: rtybt.study("x.yaml", workers=2.0), "workers: expected a whole number, got the number 2.0"),
    (lambda: rtybt.compare("a.yaml"), "configs: expected a list of configs"),
    (lambda: rtybt.run("x.yaml", progress="yes"), "progress: expected a yes/no value (a bool), got the text 'yes'"),
    (lambda: rtybt.load_run(None), "run_dir: expected a path, got nothing"),
    (lambda: rtybt.list_strategies(name=5), "name: expected a non-empty text, e.g. ma_reclaim, got the number 5"),
])
def test_a_wrong_type_is_a_config_error_naming_the_argument(call, says):
    with pytest.raises(rtybt.ConfigError) as raised:
        call()
    assert str(raised.value).startswith(says), str(raised.value)


def test_a_flag_in_a_command_message_becomes_the_argument():
    assert api_message("--k 0: too few") == "k=0: too few"
    assert api_message("--date: 'x' is not a date") == "date: 'x' is not a date"
    assert api_message("stored run refused (or pass --rerun)") == "stored run refused (or pass rerun)"
    # paths and unknown flags are left alone
    assert api_message("/tmp/--k b: --nope here") == "/tmp/--k b: --nope here"
