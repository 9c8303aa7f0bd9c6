"""CI regression net: every config in configs/ re-run on the frozen snapshot must match its committed baseline."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rtybt.engine.commands.regress import run_regress
from rtybt.engine.regress.render import format_table
from rtybt.engine.regress.store import BASELINES_DIR, TOLERANCES_FILE
from tests.conftest import REGRESS_TABLE, REPO

MAX_BASELINE_BYTES = 400 * 1024


@pytest.mark.slow
def test_every_config_matches_its_baseline(snapshot_dir, record_property, monkeypatch):
    # Paths in baselines and messages are relative to the repository, as when run from its root.
    monkeypatch.chdir(REPO)
    configs = sorted(str(p.relative_to(REPO)) for p in (REPO / "configs").glob("*.yaml"))
    assert configs, "configs/ holds no YAML file"
    report = run_regress(configs, baselines_dir=BASELINES_DIR, tolerances_file=TOLERANCES_FILE,
                         jobs=min(2, os.cpu_count() or 1))
    lines = format_table(report)
    record_property(REGRESS_TABLE, lines)  # the end-of-run summary prints it (tests/conftest.py)
    print("\n".join(lines))
    # Fails on a regression, a missing baseline (the message holds the command that creates it),
    # a changed data file or a config that no longer loads.
    assert report.exit_code == 0, "\n" + "\n".join(lines)
    assert [v.status for v in report.verdicts] == ["ok"] * len(configs)


def test_baselines_are_small_and_match_a_config():
    baselines = sorted((REPO / BASELINES_DIR).glob("*.json"))
    assert baselines
    for path in baselines:
        assert path.stat().st_size < MAX_BASELINE_BYTES, f"{path} is {path.stat().st_size} bytes"
    # A baseline whose config was deleted or renamed is dead weight that hides a missing one.
    stems = {p.stem for p in (REPO / "configs").glob("*.yaml")}
    orphans = [p.name for p in baselines if p.stem not in stems]
    assert not orphans, f"baselines without a config in configs/: {orphans}"


def test_committed_baselines_are_in_canonical_form():
    """A hand edit (or a merge that mangled one) shows up here: files are exactly what --update writes."""
    from rtybt.engine.regress.store import dump_baseline, read_baseline

    for path in sorted((REPO / BASELINES_DIR).glob("*.json")):
        assert dump_baseline(read_baseline(path)) == path.read_text(encoding="utf-8"), path.name
    assert Path(REPO / TOLERANCES_FILE).is_file()
