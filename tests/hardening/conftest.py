"""Fixtures of the hardening tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening.store_fixtures import market


@pytest.fixture
def synthetic(tmp_path, monkeypatch) -> Path:
    """The synthetic market as the data directory of every command (RTYBT_DATA_DIR beats a config's data.dir)."""
    data = market(tmp_path)
    monkeypatch.setenv("RTYBT_DATA_DIR", str(data))
    monkeypatch.chdir(tmp_path)
    return data
