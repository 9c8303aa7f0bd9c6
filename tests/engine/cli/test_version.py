"""`rtybt --version`: the package version, and the short commit of a git checkout (none elsewhere)."""

from __future__ import annotations

import re
import subprocess
import tomllib

from typer.testing import CliRunner

from rtybt.engine import __version__
from rtybt.engine.cli import app
from rtybt.engine.core.version import checkout_commit, version_text
from tests.conftest import REPO


def test_version_prints_the_version_and_the_checkout_commit():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short=7", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert result.stdout == f"rtybt {__version__} ({head})\n"


def test_no_commit_outside_a_checkout(tmp_path):
    # An installed copy has no .git beside it; git must not pick up a repository that encloses it either.
    (tmp_path / "inner").mkdir()
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert checkout_commit(tmp_path / "inner") is None
    assert version_text(tmp_path / "inner") == f"rtybt {__version__}"
    assert re.fullmatch(r"rtybt \d+\.\d+\.\d+ \([0-9a-f]{7,}\)", version_text())


def test_the_version_is_the_distribution_version():
    assert tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"] == __version__
