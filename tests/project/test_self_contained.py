"""The repository stands alone: nothing tracked points outside it, and the lock pins the baselines' versions."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def tracked_files_mentioning(pattern: str) -> list[str]:
    proc = subprocess.run(["git", "grep", "-l", "-I", "-e", pattern], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr  # 1 = no match
    return proc.stdout.split()


def test_git_grep_sees_tracked_files():
    # The probe itself works: it finds this (tracked) file by a word in it.
    assert "tests/project/test_self_contained.py" in tracked_files_mentioning("tracked_files_mentioning")


def test_nothing_tracked_refers_to_a_shared_folder_beside_the_clone():
    # The data once lived in a "shared" folder beside the clone; a fresh clone has no such folder.
    needle = "../" + "shared"  # split so this file does not match itself
    assert tracked_files_mentioning(needle) == []
    assert tracked_files_mentioning("/work/" + "shared") == []


def lock_pins() -> dict[str, str]:
    text = (REPO / "requirements" / "ci.txt").read_text(encoding="utf-8")
    return {m.group(1).lower(): m.group(2) for m in re.finditer(r"^([A-Za-z0-9._-]+)==(\S+)", text, re.M)}


def test_lock_pins_exactly_the_versions_behind_the_baselines():
    pins = lock_pins()
    baselines = sorted((REPO / "tests" / "regression" / "baselines").glob("*.json"))
    assert baselines
    for path in baselines:
        versions = json.loads(path.read_text(encoding="utf-8"))["versions"]
        for dist, version in versions.items():
            if dist in ("python", "rtybt"):
                continue
            assert pins.get(dist.lower()) == version, f"{path.name}: {dist} {version}, lock {pins.get(dist.lower())}"


def test_lock_pins_every_dependency_and_no_local_path():
    text = (REPO / "requirements" / "ci.txt").read_text(encoding="utf-8")
    assert "file://" not in text and " @ " not in text  # no path of the machine that generated it
    pins = lock_pins()
    for dist in ("backtrader", "pandas", "numpy", "matplotlib", "pyfolio-reloaded", "empyrical-reloaded",
                 "typer", "rich", "pydantic", "pyyaml", "dask", "yfinance", "pytest", "ruff"):
        assert dist in pins, dist
