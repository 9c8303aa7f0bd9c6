"""`rtybt.note(path)`: the claims table as a DataFrame, the page written, the table in Jupyter's HTML. The API's flow
and shape, not the claims' numbers (tests/engine/commands/test_note.py judges those on the whole history): it runs on
the snapshot's recent years, in about half the time."""

from __future__ import annotations

from pathlib import Path

import rtybt
from rtybt.engine.analysis import standard

SEED = Path(__file__).resolve().parents[2] / "data" / "note" / "rty-ready-to-rally.yaml"


def test_note_returns_the_claims_table_and_shows_it(recent_snapshot_dir, tmp_path):
    result = rtybt.note(SEED, data_dir=recent_snapshot_dir, results_dir=tmp_path)
    table = result.claims
    assert list(table["id"]) == [c["id"] for c in result.data["claims"]]
    assert set(table["answer"]) <= set(standard.CLAIM_WORDS)
    assert {"claim", "answer", "difference", "interval", "episodes", "where_else"} <= set(table.columns)
    assert result.report.is_file() and result.bar_date.isoformat() == "2025-05-08"
    html = result._repr_html_()
    assert html.count("<tr>") == len(table) + 1 and "the history says" in html
    assert str(result).splitlines()[0] == result.title
