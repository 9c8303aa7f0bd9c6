"""The analogs' walk-forward cache (which `rtybt note` reuses) is verified before it is trusted: an entry whose bytes
are not those sealed with its checksum (engine/core/verify.py) — a row cut off, which still parses — is computed again."""

from __future__ import annotations

from rtybt.engine.commands.analogs import run_analogs


def test_an_edited_cache_entry_that_still_parses_is_recomputed(snapshot_dir, tmp_path):
    first = run_analogs("RTY=F", "2025-05-08", data_dir=str(snapshot_dir), results_dir=tmp_path, write=False)
    again = run_analogs("RTY=F", "2025-05-08", data_dir=str(snapshot_dir), results_dir=tmp_path, write=False)
    assert first.score_source == "computed" and again.score_source.startswith("cache walkforward-")
    cached = tmp_path / "analogs" / ".cache" / again.score_source.removeprefix("cache ")
    lines = cached.read_text().splitlines(keepends=True)
    cached.write_text("".join(lines[:-1]))  # one month-end fewer: a valid table, not the one written
    rebuilt = run_analogs("RTY=F", "2025-05-08", data_dir=str(snapshot_dir), results_dir=tmp_path, write=False)
    assert rebuilt.score_source == "computed" and rebuilt.score == first.score
    assert cached.read_text().splitlines(keepends=True) == lines  # replaced by the full rows again
