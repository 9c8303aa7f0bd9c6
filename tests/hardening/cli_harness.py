"""Helpers for the hardening tests: run the real CLI in-process or as a subprocess, fingerprint result trees."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from rtybt.engine.cli import main

RTYBT = Path(sys.executable).with_name("rtybt")


@dataclass
class CliOutcome:
    code: int
    stdout: str
    stderr: str


def run_cli(args: list[str]) -> CliOutcome:
    """The real entry point (`engine.cli.main`, as the console script runs it) under CliRunner's capture."""
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return CliOutcome(code, stdout, stderr)


def run_subprocess(args: list[str], cwd: Path, env: dict | None = None, timeout: float = 120) -> CliOutcome:
    """The installed `rtybt` console script in a fresh interpreter."""
    command = [str(RTYBT)] if RTYBT.exists() else [sys.executable, "-m", "rtybt.engine.cli"]
    proc = subprocess.run(
        [*command, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    return CliOutcome(proc.returncode, proc.stdout, proc.stderr)


def tree_digest(root: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under `root` (the staging area excluded: never a run)."""
    out = {}
    if not root.exists():
        return out
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts and rel.parts[0] == ".staging":
            continue
        out[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "<dir>"
    return out


def run_dirs(root: Path) -> list[Path]:
    """Visible run directories: results/<name>/<run id>/ (staging excluded)."""
    if not root.is_dir():
        return []
    return sorted(p for name in root.iterdir() if name.is_dir() and name.name != ".staging"
                  for p in name.iterdir() if p.is_dir())


def bars_csv(rows: int = 60, start: str = "2020-01-01") -> pd.DataFrame:
    """A clean daily table in the snapshot's column order (Date,Close,High,Low,Open,Volume)."""
    index = pd.bdate_range(start, periods=rows)
    close = [100.0 + (i % 7) - (i % 3) * 0.5 for i in range(rows)]
    opens = [close[0], *close[:-1]]
    return pd.DataFrame({
        "Date": index.strftime("%Y-%m-%d"),
        "Close": close,
        "High": [max(o, c) + 1 for o, c in zip(opens, close, strict=True)],
        "Low": [min(o, c) - 1 for o, c in zip(opens, close, strict=True)],
        "Open": opens,
        "Volume": [1000.0] * rows,
    })


def alive(pids: set[int]) -> list[int]:
    """Those of `pids` still running (a zombie has ended: only its exit status is left to collect)."""
    import psutil

    out = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                out.append(pid)
        except psutil.NoSuchProcess:
            continue
    return out
