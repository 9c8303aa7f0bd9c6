"""A user's strategy file, through the installed console script: whatever it does (peek with `close[1]`, divide by
zero in an exit rule, `sys.exit()` at import or in `next`), rtybt answers with one line and exit 2,
writes no run, and leaves an earlier run byte for byte alone."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from rtybt.engine.cli import app
from tests.hardening.cli_harness import run_dirs, run_subprocess, tree_digest

HEAD = "from rtybt.strategies.base import LongRuleStrategy\n\n\n"
RULES = {
    "naive-peek": ("class Mine(LongRuleStrategy):\n    name = 'mine'\n"
                   "    def entry_condition(self):\n        return self.data.close[1] > self.data.close[0]\n"
                   "    def exit_condition(self):\n        return True\n",
                   ("looks ahead, so its run gets no verdict: first differs on ", "the cut run raises IndexError")),
    "zero-division": ("class Mine(LongRuleStrategy):\n    name = 'mine'\n"
                      "    def entry_condition(self):\n        return True\n"
                      "    def exit_condition(self):\n        return 1 / 0\n",
                      ("mine.py:9 in exit_condition (bar ", "ZeroDivisionError: division by zero")),
    "exit-0-at-import": ("import sys\nsys.exit(0)\n",
                         ("mine.py:5 on import: SystemExit(0)",)),
    "system-exit-in-next": ("class Mine(LongRuleStrategy):\n    name = 'mine'\n"
                                     "    def next(self):\n        raise SystemExit('bye')\n",
                                     ("mine.py:7 in next (bar ", "SystemExit('bye')")),
}


@pytest.fixture(scope="module")
def arena(tmp_path_factory):
    base = tmp_path_factory.mktemp("user_code")
    root = base / "results"
    (base / "honest.py").write_text(HEAD + "class Mine(LongRuleStrategy):\n    name = 'mine'\n"
                                    "    def entry_condition(self):\n        return len(self) > 1 and "
                                    "self.data.close[0] > self.data.close[-1]\n"
                                    "    def exit_condition(self):\n        return True\n")
    config = {"name": "mine", "data": {"symbol": "^RUT", "start": "2014-01-01", "end": "2014-12-31"},
              "strategy": {"file": "honest.py", "name": "mine"},
              "output": {"dir": str(root), "tearsheet": False, "plots": False}}
    (base / "honest.yaml").write_text(yaml.safe_dump(config))
    # The earlier run only puts a run on disk for the cases to leave alone: made in this process, not a fresh
    # interpreter (the cases below are the console script's).
    earlier = CliRunner().invoke(app, ["-q", "run", str(base / "honest.yaml")])
    assert earlier.exit_code == 0, earlier.output
    assert len(run_dirs(root)) == 1
    return base, root, config


@pytest.mark.parametrize("case", list(RULES))
def test_a_user_file_never_crashes_the_console_script(arena, case):
    base, root, config = arena
    body, expected = RULES[case]
    (base / "mine.py").write_text(HEAD + body)
    (base / "case.yaml").write_text(yaml.safe_dump({**config, "strategy": {"file": "mine.py", "name": "mine"}}))
    before, runs = tree_digest(root), run_dirs(root)
    outcome = run_subprocess(["run", base / "case.yaml"], cwd=base)
    assert outcome.code == 2, (outcome.code, outcome.stderr)
    line = outcome.stderr.strip()
    assert "\n" not in line and "Traceback" not in line and line.startswith("rtybt: error: "), outcome.stderr
    for piece in expected:
        assert piece in line, line
    assert outcome.stdout == ""
    assert run_dirs(root) == runs
    after = {k: v for k, v in tree_digest(root).items() if not k.startswith(".lookahead")}
    assert after == {k: v for k, v in before.items() if not k.startswith(".lookahead")}
