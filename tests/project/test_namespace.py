"""Packaging: the installed distribution claims one import name, `rtybt` (rtybt.engine, rtybt.strategies)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


def test_the_package_list_names_every_folder_under_rtybt():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    setup = project["tool"]["setuptools"]
    assert setup["package-dir"] == {"rtybt": "rtybt", "rtybt.engine": "engine", "rtybt.strategies": "strategies"}
    folders = ["rtybt"] + sorted(
        "rtybt." + init.parent.relative_to(REPO).as_posix().replace("/", ".")
        for folder in ("engine", "strategies") for init in (REPO / folder).rglob("__init__.py")
    )
    assert sorted(setup["packages"]) == sorted(folders)
    assert project["project"]["scripts"]["rtybt"] == "rtybt.engine.cli:main"


def test_no_module_imports_the_bare_folder_names():
    """A module that says `from rtybt.engine...` works in a checkout and breaks in the installed wheel."""
    offenders = []
    for folder in ("engine", "strategies", "rtybt", "examples", "benchmarks"):
        for path in (REPO / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                stripped = line.strip()
                if stripped.startswith(("from engine", "from strategies", "import rtybt.engine", "import rtybt.strategies")):
                    offenders.append(f"{path.relative_to(REPO)}:{number}: {stripped}")
    assert offenders == []


@pytest.mark.slow
def test_the_built_wheel_installs_alone_and_runs_a_config(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
                   check=True, capture_output=True, text=True, timeout=600)
    wheel = next(wheels.glob("rtybt-*.whl"))
    tops = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"rtybt"}
    # The interactive chart's library ships as package data, with its licence and version note.
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"rtybt/engine/report/vendor/{f}" for f in ("lightweight-charts.standalone.production.js", "LICENSE",
                                                         "VERSION")} <= names

    # A clean venv with only the wheel; its dependencies are read from this environment's site-packages
    # through a .pth line (a path in a .pth is added as it is: this environment's editable finder is not).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True, text=True, timeout=600)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("RTYBT_", "PYTHON"))}
    env["RTYBT_OFFLINE"] = "1"
    probe = subprocess.run(
        [str(python), "-c", "import json, importlib.util, rtybt; print(json.dumps([rtybt.__file__, "
         "importlib.util.find_spec('engine') is None, importlib.util.find_spec('strategies') is None]))"],
        cwd=tmp_path, env=env, check=True, capture_output=True, text=True)
    location, no_engine, no_strategies = json.loads(probe.stdout)
    assert location.startswith(site) and no_engine and no_strategies

    run = subprocess.run(
        [str(venv / "bin" / "rtybt"), "run", str(REPO / "configs" / "ma_reclaim.yaml"), "--json",
         "--set", f"output.dir={tmp_path / 'results'}", "--set", "output.tearsheet=false"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert Path(summary["run_dir"]).is_dir() and summary["strategy_metrics"]["trades"] > 100
