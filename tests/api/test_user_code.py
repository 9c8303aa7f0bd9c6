"""A user's code cannot crash rtybt: an exception its strategy file raises at any phase (import, `__init__`,
`next`, an exit rule, a custom indicator, `sys.exit`) is one line naming file:line and function, exit 2, in
`run`, `compare`, `sweep` (pool workers too), `walkforward` and `check-strategy`; StrategyError in the API with the
original exception as `__cause__`; the traceback only with -v/--traceback. A built-in's bug stays exit 1."""

from __future__ import annotations

import textwrap

import pytest
from typer.testing import CliRunner

import rtybt
from rtybt.engine.cli import app

HEAD = "import backtrader as bt\nfrom rtybt.strategies.base import LongRuleStrategy\n\n"
CLASS = "class Mine(LongRuleStrategy):\n    name = 'mine'\n"
HONEST_RULES = ("    def entry_condition(self):\n        return len(self) > 1 and self.data.close[0] > self.data.close[-1]\n"
                "    def exit_condition(self):\n        return True\n")

PHASES = {
    "import": (HEAD + "raise RuntimeError('no config for me')\n" + CLASS + HONEST_RULES,
               "mine.py:4 on import: RuntimeError: no config for me"),
    "sys-exit": (HEAD + "import sys\nsys.exit(0)\n" + CLASS + HONEST_RULES,
                 "mine.py:5 on import: SystemExit(0): the file exits"),
    "argparse": (HEAD + "import argparse\nP = argparse.ArgumentParser()\nP.add_argument('--x', required=True)\n"
                 "P.parse_args()\n" + CLASS + HONEST_RULES,
                 "mine.py:7 on import: SystemExit(2): the file exits"),
    "init": (HEAD + CLASS + "    def __init__(self):\n        super().__init__()\n        raise KeyError('setup')\n"
             + HONEST_RULES, "mine.py:8 in __init__: KeyError: 'setup'"),
    "next": (HEAD + CLASS + "    def next(self):\n        raise ValueError('bad bar')\n",
             "mine.py:7 in next (bar "),
    "exit-rule": (HEAD + CLASS + "    def entry_condition(self):\n        return True\n"
                  "    def exit_condition(self):\n        return 1 / 0\n",
                  "mine.py:9 in exit_condition (bar "),
    "indicator": (HEAD + "class Odd(bt.Indicator):\n    lines = ('x',)\n    def next(self):\n"
                  "        self.lines.x[0] = {}['missing']\n\n\n" + CLASS
                  + "    def __init__(self):\n        super().__init__()\n        self.odd = Odd(self.data)\n"
                  + HONEST_RULES, "mine.py:7 in next (bar "),
}


def write(tmp_path, source: str, start: str = "2014-01-01", end: str = "2015-06-30"):
    (tmp_path / "mine.py").write_text(source)
    config = tmp_path / "mine.yaml"
    config.write_text(textwrap.dedent(f"""\
        name: mine
        data: {{symbol: ^RUT, start: {start}, end: {end}}}
        strategy: {{file: mine.py, name: mine}}
        benchmark: {{enabled: false}}
        output: {{dir: {tmp_path / 'results'}, tearsheet: false, plots: false}}
        """))
    return config


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def one_line_exit_2(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, line
    assert line.startswith("rtybt: error: ")
    return line


@pytest.mark.parametrize("phase", list(PHASES))
def test_run_turns_an_exception_of_the_strategy_file_into_one_line_exit_2(tmp_path, phase):
    source, expected = PHASES[phase]
    config = write(tmp_path, source)
    line = one_line_exit_2(cli("run", config))
    assert expected in line
    assert not (tmp_path / "results" / "mine").exists()  # nothing half-written


def test_the_traceback_is_shown_only_when_asked_for(tmp_path):
    config = write(tmp_path, PHASES["exit-rule"][0])
    quiet = cli("run", config)
    assert "Traceback" not in quiet.stderr
    for flags in (["-v"], ["--traceback"]):
        loud = cli("run", config, *flags)
        assert loud.exit_code == 2
        assert "Traceback (most recent call last)" in loud.stderr and "ZeroDivisionError" in loud.stderr
        assert loud.stderr.strip().splitlines()[-1].startswith("rtybt: error: ")
    assert cli("--traceback", "run", config).stderr.count("Traceback") == 1


def test_the_api_raises_strategy_error_with_the_original_as_cause(tmp_path):
    config = write(tmp_path, PHASES["exit-rule"][0])
    with pytest.raises(rtybt.StrategyError, match=r"mine.py:9 in exit_condition") as caught:
        rtybt.run(config)
    assert isinstance(caught.value, rtybt.UserError)
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    assert "ZeroDivisionError" in caught.value.detail
    config = write(tmp_path, PHASES["import"][0])
    with pytest.raises(rtybt.StrategyError, match="on import: RuntimeError") as caught:
        rtybt.run(config)
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_compare_sweep_in_pool_workers_and_walkforward_say_the_same_line(tmp_path):
    # `next` raises only from 2015 on: every command gets as far as running the strategy.
    source = (HEAD + "from rtybt.strategies.params import Param\n\n" + CLASS
              + "    spec = (Param('x', 1, 'bars', 'unused', min=1),)\n"
              + "    def next(self):\n        if self.data.datetime.date(0).year >= 2015:\n"
              + "            raise ValueError('bad bar')\n")
    config = write(tmp_path, source, start="2013-01-01")
    expected = "mine.py:11 in next (bar 2015-01-02): ValueError: bad bar"
    assert expected in one_line_exit_2(cli("compare", config))
    assert expected in one_line_exit_2(cli("sweep", config, "--grid", "x=1,2", "--workers", "2"))
    assert expected in one_line_exit_2(cli("sweep", config, "--grid", "x=1,2", "--workers", "1"))
    assert expected in one_line_exit_2(cli("walkforward", config, "--grid", "x=1,2", "--workers", "2",
                                           "--set", "walkforward.train_bars=300", "--set", "walkforward.test_bars=100"))


def test_check_strategy_on_a_broken_strategy_is_exit_2_not_a_crash(tmp_path):
    config = write(tmp_path, PHASES["exit-rule"][0])
    line = one_line_exit_2(cli("check-strategy", config.parent / "mine.py"))
    assert "mine.py:9 in exit_condition" in line and "ZeroDivisionError: division by zero" in line
    write(tmp_path, PHASES["sys-exit"][0])  # today's silent exit 0 with nothing written
    assert PHASES["sys-exit"][1] in one_line_exit_2(cli("check-strategy", config.parent / "mine.py"))


def test_a_built_in_strategys_bug_stays_an_internal_error(tmp_path, monkeypatch):
    from rtybt.strategies.ma_reclaim import MaReclaim

    def broken(self):
        raise ZeroDivisionError("our bug")

    monkeypatch.setattr(MaReclaim, "next", broken)
    config = tmp_path / "ma.yaml"
    config.write_text(f"strategy: {{name: ma_reclaim}}\ndata: {{start: 2014-01-01, end: 2014-12-31}}\n"
                      f"output: {{dir: {tmp_path / 'results'}, tearsheet: false, plots: false}}\n")
    result = cli("run", config)
    assert result.exit_code == 1 and isinstance(result.exception, ZeroDivisionError)


def test_a_file_that_exits_at_import_is_exit_2_in_compare_too(tmp_path):
    config = write(tmp_path, PHASES["sys-exit"][0])
    assert PHASES["sys-exit"][1] in one_line_exit_2(cli("compare", config))
    assert not (tmp_path / "results").exists()
