"""Foundation: what `rtybt --version` prints (the package version, and the short git commit of a checkout)."""

from __future__ import annotations

import subprocess
from pathlib import Path

# engine/core/version.py -> the repository root of a checkout; in an installed wheel, site-packages/rtybt.
_ROOT = Path(__file__).resolve().parents[2]


def checkout_commit(root: Path = _ROOT) -> str | None:
    """The short commit of the git checkout the code runs from; None for an installed copy, or without git."""
    if not (root / ".git").exists():  # a wheel's rtybt/ holds no .git: do not let git find an enclosing repo
        return None
    try:
        proc = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=7", "HEAD"],
                              capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = proc.stdout.strip()
    return commit if proc.returncode == 0 and commit else None


def version_text(root: Path = _ROOT) -> str:
    """'rtybt 0.1.0 (abc1234)' in a checkout, 'rtybt 0.1.0' elsewhere."""
    from rtybt.engine import __version__

    commit = checkout_commit(root)
    return f"rtybt {__version__}" + (f" ({commit})" if commit else "")
