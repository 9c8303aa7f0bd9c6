"""`rtybt run` with a strategy file runs the look-ahead harness first (cached by source, params and data checksum,
the cache verified before it is trusted): a peeking strategy gets no verdict: exit 2 naming the first differing
bar, or with --allow-lookahead a run whose status is 'look-ahead: not judged' (terminal, tearsheet, report)."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from rtybt.engine.cli import app
from rtybt.engine.results.lookahead_gate import CACHE_DIR

GUARDED_PEEK = '''
from rtybt.strategies.base import LongRuleStrategy


class Peek(LongRuleStrategy):
    name = "peek"

    def entry_condition(self):
        return len(self.data) < self.data.buflen() and self.data.close[1] > self.data.close[0]

    def exit_condition(self):
        return True
'''
HONEST = GUARDED_PEEK.replace("len(self.data) < self.data.buflen() and self.data.close[1] > self.data.close[0]",
                              "len(self) > 1 and self.data.close[0] > self.data.close[-1]")


def setup(tmp_path: Path, source: str, tearsheet: bool = False) -> Path:
    (tmp_path / "peek.py").write_text(source)
    config = tmp_path / "peek.yaml"
    config.write_text(textwrap.dedent(f"""\
        name: peek
        data: {{symbol: ^RUT, start: 2014-01-01, end: 2015-06-30}}
        strategy: {{file: peek.py, name: peek}}
        output: {{dir: {tmp_path / 'results'}, tearsheet: {str(tearsheet).lower()}, plots: false}}
        """))
    return config


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_a_guarded_peek_is_refused_with_its_first_bar_and_cause(tmp_path):
    config = setup(tmp_path, GUARDED_PEEK)
    result = cli("run", config)
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert re.search(r"peek.py: strategy 'peek' looks ahead, so its run gets no verdict: first differs on "
                     r"\d{4}-\d\d-\d\d: cut after \d{4}-\d\d-\d\d: ", line), line
    assert "likely cause: a decision read a later bar" in line and "--allow-lookahead" in line
    assert not (tmp_path / "results" / "peek").exists()


def test_allowed_the_run_is_marked_not_judged_everywhere(tmp_path):
    config = setup(tmp_path, GUARDED_PEEK, tearsheet=True)
    result = cli("run", config, "--allow-lookahead")
    assert result.exit_code == 0, result.output
    assert "verdict: Look-ahead: not judged: The strategy's decisions change when later bars are removed" in result.stdout
    run_dir = Path(result.stdout.strip().splitlines()[-1].removeprefix("results: "))
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["lookahead"].startswith("first differs on ")
    report = json.loads((run_dir / "report.json").read_text())
    assert report["verdict_detail"]["status"] == "look-ahead: not judged"
    page = (run_dir / "tearsheet.html").read_text()
    assert '<div class="card look-ahead-not-judged"><span class="status verdict-word">look-ahead: not judged</span>' in page
    assert ".look-ahead-not-judged .status { background: var(--bad); }" in page  # red, like 'did not pay off'
    # `rtybt report` renders a stored run again from its files: it stays not judged.
    (run_dir / "report.json").unlink()
    assert cli("report", run_dir).exit_code == 0
    assert json.loads((run_dir / "report.json").read_text())["verdict_detail"]["status"] == "look-ahead: not judged"


def test_the_check_is_cached_and_a_damaged_cache_entry_is_not_trusted(tmp_path):
    config = setup(tmp_path, HONEST)
    assert cli("run", config, "--fresh").exit_code == 0
    entries = list((tmp_path / "results" / CACHE_DIR).glob("*.json"))
    assert len(entries) == 1
    entry = json.loads(entries[0].read_text())
    assert entry["finding"] is None and entry["inputs"]["data_sha256"]
    # A tampered entry claiming a finding is recomputed, not believed (its checksum no longer holds).
    entry["finding"] = {"bar": "2014-05-05", "text": "made up", "cause": "tampering"}
    entries[0].write_text(json.dumps(entry))
    result = cli("run", config, "--fresh")
    assert result.exit_code == 0, result.output
    assert json.loads(entries[0].read_text())["finding"] is None
    # An edited file is checked again: a new entry, and this one peeks.
    (tmp_path / "peek.py").write_text(GUARDED_PEEK)
    assert cli("run", config).exit_code == 2
    assert len(list((tmp_path / "results" / CACHE_DIR).glob("*.json"))) == 2
