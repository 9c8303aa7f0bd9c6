"""`rtybt snapshot`: text and JSON give the same reading; bad dates are one line and exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from rtybt.engine.cli import app

runner = CliRunner()
ARGS = ["snapshot", "--symbol", "RTY=F", "--date", "2025-05-08"]


def test_text_prints_the_notes_table(snapshot_dir):
    result = runner.invoke(app, [*ARGS, "--data-dir", str(snapshot_dir)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("RTY=F on 2025-05-08\n")
    assert "Current price: 2,033.3" in out
    for heading in ("Key Levels to Watch", "Bull Case", "Bear Case", "Final Call", "Not computable"):
        assert f"\n{heading}" in out
    final = out[out.index("Final Call") :]
    assert "Short-term  Bullish" in final and "Medium      Cautiously Bullish" in final
    assert "Long-term   Neutral" in final


def test_json_is_the_same_reading(snapshot_dir):
    result = runner.invoke(app, [*ARGS, "--data-dir", str(snapshot_dir), "--json"])
    data = json.loads(result.output)
    assert data["bar_date"] == "2025-05-08"
    assert round(data["readings"]["close"], 1) == 2033.3
    assert [c["bias"] for c in data["final_call"]] == ["Bullish", "Cautiously Bullish", "Neutral"]
    assert {i["key"] for i in data["bull_case"] if i["computable"] is False} == {"rate_environment"}


def test_errors_are_one_line_exit_2(snapshot_dir):
    for date_arg, message in (("2030-01-01", "is outside the data"), ("2025-02-30", "is not a date")):
        proc = subprocess.run(
            [sys.executable, "-m", "rtybt.engine.cli", "snapshot", "--symbol", "RTY=F", "--date", date_arg,
             "--data-dir", str(snapshot_dir)],
            capture_output=True, text=True, timeout=120,
        )
        assert proc.returncode == 2, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr
