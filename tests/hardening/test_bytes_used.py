"""Provenance is of the bytes used: a data file replaced while a command runs cannot make its manifest (or a
store keyed by the data's checksum) name other bytes than the ones the backtest parsed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from rtybt.engine.data import load as data_load
from tests.hardening.cli_harness import run_cli
from tests.hardening.store_fixtures import config_file, walk_csv


@pytest.fixture
def replaced_after_read(monkeypatch, synthetic):
    """XYZ.csv is swapped for other bars right after rtybt read it (an editor saving, a download landing)."""
    read = data_load.read_bounded
    original = (synthetic / "XYZ.csv").read_bytes()
    other = walk_csv(rows=250, seed=123).encode()

    def read_then_replace(path: Path) -> bytes:
        blob = read(path)
        if path.name == "XYZ.csv":
            path.write_bytes(other)
        return blob

    monkeypatch.setattr(data_load, "read_bounded", read_then_replace)
    return original, other


def _traded(manifest: dict) -> dict:
    return next(d for d in manifest["inputs"][0]["data"] if d["role"] == "traded")


def test_the_manifest_pins_the_bytes_the_backtest_parsed(tmp_path, replaced_after_read):
    original, other = replaced_after_read
    out = run_cli(["-q", "run", config_file(tmp_path), "--json"])
    assert out.code == 0, out.stderr
    summary = json.loads(out.stdout)
    run_dir = Path(summary["run_dir"])
    traded = _traded(json.loads((run_dir / "manifest.json").read_text()))
    assert traded["sha256"] == hashlib.sha256(original).hexdigest() != hashlib.sha256(other).hexdigest()
    # The run used the original 320 bars (the replacement has 250), and says so.
    assert traded["rows"] == 320 == len((run_dir / "returns.csv").read_text().splitlines()) - 1


def test_a_sweep_stores_its_variants_under_the_bytes_it_parsed(tmp_path, replaced_after_read):
    original, other = replaced_after_read
    config = config_file(tmp_path, sweep={"grid": {"ma_period": [5, 10]}})
    out = run_cli(["-q", "sweep", config, "--workers", "1", "--json"])
    assert out.code == 0, out.stderr
    entries = sorted((tmp_path / "results" / ".variants").glob("*.json"))
    assert len(entries) == 2
    used = hashlib.sha256(original).hexdigest()
    assert all(p.stem.endswith(used[:16]) for p in entries)
    assert all(json.loads(p.read_text())["inputs"]["data_sha256"] == used for p in entries)
