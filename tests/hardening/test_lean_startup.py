"""Start-up stays lean: help screens import none of the heavy libraries (checked in fresh interpreters)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pyfolio", "matplotlib", "backtrader", "dask")

# Runs `main(argv)` for each argv in one fresh interpreter, then lists the heavy modules it loaded.
PROBE = """
import json, sys
from rtybt.engine.cli import main
for argv in json.loads(sys.argv[1]):
    try:
        main(argv)
    except SystemExit:
        pass
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(sys.argv[2])))
print('HEAVY=' + json.dumps(heavy), file=sys.stderr)
"""


def loaded_heavy(argvs: list[list[str]], names=HEAVY) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argvs), json.dumps(list(names))],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Usage:" in proc.stdout, proc.stdout  # the help really was printed
    line = [x for x in proc.stderr.splitlines() if x.startswith("HEAVY=")][-1]
    return json.loads(line[len("HEAVY="):])


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"]], ids=["rtybt --help", "rtybt run --help"])
def test_help_imports_no_heavy_library(argv):
    assert loaded_heavy([argv]) == []


def all_command_paths() -> list[list[str]]:
    """Every command and group of the CLI as it stands on main (new commands are picked up here)."""
    import typer.main

    from rtybt.engine.cli import app

    paths = []

    def walk(command, prefix):
        paths.append(prefix)
        if hasattr(command, "commands"):  # a group (typer vendors its own click)
            for name, sub in command.commands.items():
                walk(sub, [*prefix, name])

    walk(typer.main.get_command(app), [])
    return paths


def test_every_help_screen_imports_no_heavy_library():
    paths = all_command_paths()
    assert ["run"] in paths and len(paths) >= 4
    assert loaded_heavy([[*p, "--help"] for p in paths]) == []


def test_the_probe_sees_what_a_help_screen_imports():
    # The probe can fail: `run --help` does load typer's pydantic adapters, and the probe reports it.
    assert loaded_heavy([["run", "--help"]], names=("pydantic", "typer")) == ["pydantic", "typer"]
