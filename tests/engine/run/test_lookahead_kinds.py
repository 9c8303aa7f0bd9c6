"""The look-ahead harness (engine/run/lookahead.py) on every kind of peek a user's file can plant: a naive
`close[1]` (raises past a cut's last bar), a guarded `[+n]`, `.array` past the current bar, `.get(ago=1)` and a
line indexed ahead (`close(1)`), on small synthetic bars; an honest strategy passes and a broken one raises."""

from __future__ import annotations

from datetime import date

import pytest

from rtybt.engine.config import validate_config
from rtybt.engine.core.errors import StrategyError
from rtybt.engine.run.lookahead import (
    PEEK_CAUSE,
    RAISE_CAUSE,
    cut_positions,
    first_finding,
    lookahead_findings,
    synthetic_bars,
)
from rtybt.strategies.files import strategies_in_file

KINDS = '''from rtybt.strategies.base import LongRuleStrategy
import backtrader as bt


class Naive(LongRuleStrategy):
    name = "naive"
    def entry_condition(self): return self.data.close[1] > self.data.close[0]
    def exit_condition(self): return True


class Ahead(LongRuleStrategy):
    name = "ahead"
    def entry_condition(self):
        return len(self.data) + 2 <= self.data.buflen() and self.data.close[+2] > self.data.close[0]
    def exit_condition(self): return True


class ArrayPeek(LongRuleStrategy):
    name = "array"
    def entry_condition(self):
        i = len(self.data)  # the next bar's position in the preloaded array
        return i < self.data.buflen() and self.data.close.array[i] > self.data.close[0]
    def exit_condition(self): return True


class GetPeek(LongRuleStrategy):
    name = "get"
    def entry_condition(self):
        ahead = self.data.close.get(ago=1)
        return len(ahead) == 1 and ahead[0] > self.data.close[0]
    def exit_condition(self): return True


class LineAhead(LongRuleStrategy):
    name = "line"
    def __init__(self):
        super().__init__()
        self.up = self.data.close(1) > self.data.close
    def entry_condition(self): return bool(self.up[0])
    def exit_condition(self): return True


class Honest(LongRuleStrategy):
    name = "honest"
    def entry_condition(self): return len(self) > 1 and self.data.close[0] > self.data.close[-1]
    def exit_condition(self): return True
'''

BROKEN = '''
from rtybt.strategies.base import LongRuleStrategy


class Broken(LongRuleStrategy):
    name = "broken"
    def entry_condition(self): return True
    def exit_condition(self): return 1 / 0
'''

FRAME = synthetic_bars(300, 7)
CUTS = cut_positions(len(FRAME), 6, first_bar=50)


def findings(tmp_path, source: str, name: str):
    file = tmp_path / "kinds.py"
    file.write_text(source)
    cls = strategies_in_file(file)[name]
    config = validate_config({"strategy": {"name": name, "file": str(file)}, "benchmark": {"enabled": False}}, "t")
    return lookahead_findings(cls, {}, FRAME, config, CUTS)


@pytest.mark.parametrize("name, cause", [
    ("naive", RAISE_CAUSE), ("ahead", PEEK_CAUSE), ("array", PEEK_CAUSE), ("get", PEEK_CAUSE), ("line", PEEK_CAUSE),
])
def test_every_kind_of_peek_is_caught_with_its_first_bar_and_cause(tmp_path, name, cause):
    found = findings(tmp_path, KINDS, name)
    assert found, f"{name}: the harness saw no look-ahead"
    first = first_finding(found)
    assert first.cause == cause
    assert isinstance(first.bar, date) and FRAME.index[0].date() < first.bar <= FRAME.index[-1].date()
    line = first.line()
    assert line.startswith(f"first differs on {first.bar.isoformat()}: cut after ")
    assert "datetime" not in line and "[" not in line.split("likely cause")[0]  # dates as ISO, no Python lists


def test_a_naive_peek_names_the_read_past_the_last_bar(tmp_path):
    first = first_finding(findings(tmp_path, KINDS, "naive"))
    assert "raises IndexError: array index out of range at" in first.text and "kinds.py:7 in entry_condition" in first.text


def test_an_honest_strategy_passes(tmp_path):
    assert findings(tmp_path, KINDS, "honest") == []


def test_a_strategy_that_raises_whatever_the_cut_is_broken_not_peeking(tmp_path):
    with pytest.raises(StrategyError, match=r"kinds.py:8 in exit_condition \(bar \d{4}-\d\d-\d\d\): "
                                            r"ZeroDivisionError: division by zero") as caught:
        findings(tmp_path, BROKEN, "broken")
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
