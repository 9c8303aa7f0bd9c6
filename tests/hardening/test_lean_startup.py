"""Start-up stays lean: help screens import none of the heavy libraries (checked in fresh interpreters)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pyfolio", "matplotlib", "backtrader", "dask", "pandas", "numpy", "pydantic")

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
    # The probe can fail: it reports what a help screen does load (typer, json's decoder is not among them).
    assert loaded_heavy([["run", "--help"]], names=("typer", "annotated_doc", "pydantic")) == ["annotated_doc", "typer"]


def imported_by(code: str, env: dict | None = None) -> set[str]:
    """Top-level packages a fresh interpreter has loaded after running `code`."""
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


@pytest.mark.parametrize("code", ["import rtybt", "import rtybt.engine.cli"])
def test_importing_the_package_or_the_cli_loads_no_heavy_library(code):
    loaded = imported_by(code)
    assert "rtybt" in loaded and not loaded & set(HEAVY)


def test_the_api_loads_on_first_use_and_only_what_it_needs():
    # The error family is light: catching rtybt.UserError costs no pandas; rtybt.run brings the API in.
    assert not imported_by("import rtybt; rtybt.UserError, rtybt.DataError") & set(HEAVY)
    assert {"pandas", "pydantic"} <= imported_by("import rtybt; rtybt.run")


def test_the_console_script_itself_imports_no_heavy_library():
    """The installed `rtybt` entry point, as a shell runs it, with Python's own import log (-X importtime)."""
    import os
    import shutil

    script = shutil.which("rtybt", path=os.path.dirname(sys.executable)) or shutil.which("rtybt")
    assert script, "the rtybt console script is not installed"
    for argv in (["--help"], ["run", "--help"], ["--version"]):
        proc = subprocess.run([script, *argv], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"})
        assert proc.returncode == 0, proc.stderr
        imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines()
                    if line.startswith("import time:")}
        assert "typer" in imported, proc.stderr[-500:]  # the log really lists what was imported
        assert not imported & set(HEAVY), f"rtybt {' '.join(argv)}: {sorted(imported & set(HEAVY))}"


def test_editors_still_see_every_api_name_statically():
    """The lazy package names the whole API in imports a type checker reads (under TYPE_CHECKING)."""
    import ast

    import rtybt
    from tests.conftest import REPO

    tree = ast.parse((REPO / "rtybt" / "__init__.py").read_text(encoding="utf-8"))
    static = {alias.name for node in ast.walk(tree) if isinstance(node, ast.If)
              and getattr(node.test, "id", "") == "TYPE_CHECKING"
              for sub in node.body if isinstance(sub, ast.ImportFrom) for alias in sub.names}
    assert static == set(rtybt.__all__)
    assert all(getattr(rtybt, name) is not None for name in rtybt.__all__) and set(rtybt.__all__) <= set(dir(rtybt))
