"""Architecture: the allowed import directions between the stages (ARCHITECTURE.md), read from the source.

Every `import` and `from ... import` of every module under engine/ and strategies/ counts, including the
ones inside functions: a lazy import still ties two stages together, it only hides the tie. The checker
runs on a directory, so the last tests plant violations in a copy and watch it catch each one.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("engine", "strategies")

# The stages in import order: a unit may import its own modules and the units of earlier stages, never later
# ones. A unit is a folder under engine/ (engine.sweep), a loose module (engine.run) or all of `strategies`.
# Import order is not quite run order: `strategies` imports no engine module at all, so the config may check
# a strategy's parameters against its spec; `analysis` is the pure-function library (metrics, event study,
# statistics) that the run, the twins, the sweep and the report all call.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    ("strategies", ("strategies",)),
    ("foundation", ("engine", "engine.core")),
    ("config", ("engine.config",)),
    ("data", ("engine.data",)),
    ("analysis", ("engine.analysis",)),
    ("run", ("engine.run",)),
    ("twins", ("engine.twins",)),
    ("sweep", ("engine.sweep",)),
    # The parts a command assembles besides the report: the comparison's and the study's terminal summaries, the
    # study's market runs and files, the regression's job pool, baselines and verdicts.
    ("report", ("engine.report", "engine.results", "engine.compare", "engine.study", "engine.regress")),
    ("commands", ("engine.commands",)),
    ("api", ("engine.api",)),
    ("cli", ("engine.cli", "engine.cli_shared")),
]
# The twins are a plug-in executor: the sweep reaches them through this one door, and they never import it.
TWINS_PLUGIN = "engine.twins.executor"
TWINS_DOOR = "engine.sweep.screen"


@dataclass(frozen=True)
class Import:
    source: str  # importing module
    target: str  # imported module (the deepest known module the statement names)
    line: int
    top_level: bool  # runs when the importing module is imported (not inside a function)


def modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py under the packages."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _local(name: str) -> str:
    """The installed name rtybt.engine.x is the folder engine/x of the tree: one name for both."""
    return name[len("rtybt."):] if name.startswith(("rtybt.engine", "rtybt.strategies")) else name


def _statements(tree: ast.Module) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement of a module with whether it runs on import (not inside a function)."""
    out: list[tuple[ast.Import | ast.ImportFrom, bool]] = []

    def visit(node, top_level: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                out.append((child, top_level))
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                visit(child, False)
            elif isinstance(child, ast.If) and _is_type_checking(child):
                visit(child, False)  # a dependency all the same, but nothing runs on import
            else:
                visit(child, top_level)

    visit(tree, True)
    return out


# Parsing and walking the syntax trees is nearly all of the checker's time, and the planted-violation tests check
# copies of the tree that differ from it in one file: a source text is parsed and walked once (the same text has
# the same statements; they are only read). Resolving them to module names is done afresh for every tree.
_STATEMENTS: dict[str, list[tuple[ast.Import | ast.ImportFrom, bool]]] = {}


def _statements_of(path: Path) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    text = path.read_text()
    if text not in _STATEMENTS:
        _STATEMENTS[text] = _statements(ast.parse(text, str(path)))
    return _STATEMENTS[text]


def imports(root: Path) -> list[Import]:
    """Every import statement of every module, resolved to module names (relative imports included)."""
    known = modules(root)
    found: list[Import] = []
    for name, path in known.items():
        is_package = path.name == "__init__.py"
        for child, top_level in _statements_of(path):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append(Import(name, _local(alias.name), child.lineno, top_level))
                continue
            base = _local(child.module or "")
            if child.level:
                anchor = name.split(".")[: len(name.split(".")) - child.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in child.names:
                sub = f"{base}.{alias.name}"
                found.append(Import(name, sub if sub in known else base, child.lineno, top_level))
    return found


def unit_of(module: str) -> str:
    """The folder (or loose module) a module belongs to: engine.sweep.grid -> engine.sweep."""
    parts = module.split(".")
    if parts[0] == "strategies":
        return "strategies"
    for unit in (".".join(parts[:2]), module):
        if any(unit in units for _, units in STAGES):
            return unit
    return ".".join(parts[:2])


def stage_of(module: str) -> str | None:
    unit = unit_of(module)
    return next((stage for stage, units in STAGES if unit in units), None)


def _loads_backtrader(known: set[str], found: list[Import]) -> set[str]:
    """Modules that import Backtrader when they are imported: directly, through a module-level import, or
    through the package __init__ that Python runs first."""
    edges: dict[str, set[str]] = {m: set() for m in known}
    for imp in found:
        if imp.top_level:
            edges[imp.source].add(imp.target)
    for m in known:
        parent = m.rpartition(".")[0]
        while parent:
            edges[m].add(parent)
            parent = parent.rpartition(".")[0]
    tainted = {m for m in known if "backtrader" in {t.split(".")[0] for t in edges[m]}}
    changed = True
    while changed:
        changed = False
        for m in known - tainted:
            if edges[m] & tainted:
                tainted.add(m)
                changed = True
    return tainted


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return out


def violations(root: Path) -> list[str]:
    """Every broken rule of ARCHITECTURE.md in the tree at `root`, one line each (empty: the tree is sound)."""
    known = modules(root)
    found = imports(root)
    order = {stage: rank for rank, (stage, _) in enumerate(STAGES)}
    tainted = _loads_backtrader(set(known), found)
    problems: list[str] = []
    for module in known:
        if stage_of(module) is None:
            problems.append(f"{module}: no stage: add its folder or module to STAGES in tests/test_architecture.py "
                            "(and ARCHITECTURE.md)")
    graph: dict[str, set[str]] = {}
    for imp in found:
        where = f"{known[imp.source].relative_to(root)}:{imp.line}"
        source_stage = stage_of(imp.source)
        if imp.source.startswith("engine.analysis") and (
            imp.target.split(".")[0] == "backtrader" or imp.target in tainted
        ):
            problems.append(f"{where}: analysis imports {imp.target}, which loads Backtrader")
        top = imp.target.split(".")[0]
        if top not in PACKAGES:
            continue
        if imp.source.startswith("strategies") and top == "engine":
            problems.append(f"{where}: strategies import the engine ({imp.target})")
        if imp.source.startswith("engine.twins") and imp.target.startswith("engine.sweep"):
            problems.append(f"{where}: the twins import the sweep ({imp.target}); the sweep calls them")
        if imp.target.startswith("engine.twins") and not imp.source.startswith("engine.twins") and (
            imp.source != TWINS_DOOR or imp.target != TWINS_PLUGIN
        ):
            problems.append(f"{where}: {imp.target} imported from outside the twins; only {TWINS_DOOR} "
                            f"may import them, and only {TWINS_PLUGIN}")
        target_stage = stage_of(imp.target)
        source_unit, target_unit = unit_of(imp.source), unit_of(imp.target)
        if source_unit == target_unit or source_stage is None or target_stage is None:
            continue
        graph.setdefault(source_unit, set()).add(target_unit)
        if order[target_stage] > order[source_stage]:
            problems.append(f"{where}: {imp.source} ({source_stage}) imports {imp.target} ({target_stage}): "
                            "a later stage")
    for cycle in _cycles(graph):
        problems.append(f"import cycle between folders: {' <-> '.join(cycle)}")
    return problems


def test_the_tree_keeps_the_allowed_import_directions():
    assert violations(ROOT) == []


def test_analysis_runs_without_backtrader():
    """Beyond the static check: importing every analysis module in a fresh interpreter loads no Backtrader."""
    names = sorted("rtybt." + m for m in modules(ROOT) if m.startswith("engine.analysis"))
    code = ("import importlib, sys\n"
            f"for name in {names!r}: importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'backtrader'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert len(names) > 5  # the analysis modules were found


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of engine/ and strategies/ to plant violations in."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    assert violations(tmp_path) == []
    return tmp_path


def _plant(root: Path, relative: str, code: str) -> None:
    path = root / relative
    path.write_text(path.read_text() + "\n\n" + code + "\n")


PLANTS = {
    "upward import": ("engine/config/__init__.py", "from engine.sweep.runner import rank_by",
                      "engine.config (config) imports engine.sweep.runner (sweep): a later stage"),
    "lazy upward import": ("engine/data/load.py", "def _late():\n    from engine.report import html",
                           "engine.data.load (data) imports engine.report.html (report): a later stage"),
    "twins import the sweep": ("engine/twins/confirm.py", "def _late():\n    from engine.sweep.runner import run_variants",
                               "the twins import the sweep (engine.sweep.runner)"),
    "sweep bypasses the plug-in": ("engine/sweep/runner.py", "def _late():\n    from engine.twins.run import run_twin",
                                   "engine.twins.run imported from outside the twins"),
    "analysis loads Backtrader": ("engine/analysis/metrics.py", "def _late():\n    from strategies import levels",
                                  "analysis imports strategies.levels, which loads Backtrader"),
    "analysis imports backtrader": ("engine/analysis/bootstrap.py", "import backtrader",
                                    "analysis imports backtrader, which loads Backtrader"),
    "strategies import the engine": ("strategies/signals.py", "from engine.core.errors import ConfigError",
                                     "strategies import the engine (engine.core.errors)"),
    # Units of one stage may import each other's, never both ways: engine.regress already imports engine.results.
    "cycle between folders": ("engine/results/__init__.py", "def _late():\n    from engine.regress import render",
                              "import cycle between folders: engine.regress <-> engine.results"),
    "report imports a command": ("engine/report/run/tearsheet.py", "def _late():\n    from engine.commands import run",
                                 "engine.report.run.tearsheet (report) imports engine.commands.run (commands): a later stage"),
    "api imports the cli": ("engine/api/__init__.py", "def _late():\n    from engine.cli import app",
                            "engine.api (api) imports engine.cli (cli): a later stage"),
}


@pytest.mark.parametrize("plant", sorted(PLANTS))
def test_a_planted_violation_is_caught(tree: Path, plant: str):
    relative, code, expected = PLANTS[plant]
    _plant(tree, relative, code)
    found = violations(tree)
    assert any(expected in problem for problem in found), found


# Subfolders of a stage's folder belong to that stage (a folder per question: engine/analysis/note/, ...).
SUBFOLDERS = {"engine.analysis.note.claims": "analysis", "engine.report.note.page": "report"}


@pytest.mark.parametrize("module", sorted(SUBFOLDERS))
def test_a_subfolder_belongs_to_its_stage(module):
    assert module in modules(ROOT)
    assert stage_of(module) == SUBFOLDERS[module]


def test_a_subfolder_of_analysis_may_not_import_the_report(tree: Path):
    _plant(tree, "engine/analysis/note/claims.py", "def _late():\n    from engine.report.note import page")
    assert any("engine.analysis.note.claims (analysis) imports engine.report.note.page (report): a later stage" in p
               for p in violations(tree))


def test_a_module_without_a_stage_is_caught(tree: Path):
    (tree / "engine" / "grab_bag.py").write_text('"""Nowhere."""\n')
    assert violations(tree) == ["engine.grab_bag: no stage: add its folder or module to STAGES in "
                                "tests/test_architecture.py (and ARCHITECTURE.md)"]
