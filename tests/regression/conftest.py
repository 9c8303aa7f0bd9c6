"""The regression suite's table and run time, printed at the end of every pytest run."""

from __future__ import annotations

import pytest

REGRESS_LINES = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = config.stash.get(REGRESS_LINES, None)
    if lines:
        terminalreporter.section("regression suite (rtybt regress)")
        for line in lines:
            terminalreporter.write_line(line)
