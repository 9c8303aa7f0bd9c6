"""No code runs from a results folder: `rtybt report` and `load_run` never import a strategy file that a stored
config names; `--trust-strategy-file` loads it only when its source is the one the run pinned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from rtybt.engine.data.load import sha256_file
from tests.conftest import REPO
from tests.hardening.cli_harness import run_cli, run_dirs
from tests.hardening.store_fixtures import config_file

pytestmark = pytest.mark.usefixtures("synthetic")
PULLBACK = REPO / "examples" / "my_strategies" / "pullback.py"


def planting(marker: Path) -> str:
    """A strategy file that, if ever imported, leaves `marker` behind (and would do anything else)."""
    return f"import pathlib\npathlib.Path({str(marker)!r}).write_text('imported')\n" + PULLBACK.read_text()


def rehash(run: Path) -> None:
    """What a sender of a doctored run folder does: make the manifest's checksums agree with the files."""
    manifest = json.loads((run / "manifest.json").read_text())
    manifest["files"] = {name: sha256_file(run / name) for name in manifest["files"]}
    (run / "manifest.json").write_text(json.dumps(manifest))


def one_run(tmp_path: Path, strategy: dict | None = None) -> Path:
    out = run_cli(["-q", "run", config_file(tmp_path, strategy=strategy)])
    assert out.code == 0, out.stderr
    return run_dirs(tmp_path / "results")[0]


def test_a_planted_strategy_file_in_a_run_folder_is_never_imported(tmp_path):
    import rtybt

    run = one_run(tmp_path)
    marker = tmp_path / "MARKER"
    (run / "evil.py").write_text(planting(marker))
    config = yaml.safe_load((run / "config.yaml").read_text())
    config["strategy"] = {**config["strategy"], "name": "pullback", "file": str(run / "evil.py")}
    (run / "config.yaml").write_text(yaml.safe_dump(config))
    rehash(run)

    out = run_cli(["report", run])
    assert out.code == 0, out.stderr
    assert not marker.exists()
    assert out.stderr.startswith("rtybt: note: ") and "not loaded" in out.stderr and len(out.stderr.splitlines()) == 1
    page = (run / "tearsheet.html").read_text()
    assert "not loaded: rtybt never runs code named by a stored run" in page
    result = rtybt.load_run(run)
    assert not marker.exists() and result.config.strategy.name == "pullback"
    result.plot_note_chart()
    assert not marker.exists()
    # Asking for the file explicitly: its source is not the pinned one (the run used ma_reclaim), so no import.
    trusted = run_cli(["report", run, "--trust-strategy-file"])
    assert trusted.code == 2 and len(trusted.stderr.splitlines()) == 1, trusted.stderr
    assert "is not the source the run used" in trusted.stderr and "evil.py" in trusted.stderr
    assert not marker.exists()


def test_a_strategy_file_edited_after_the_run_is_not_loaded_and_trust_checks_the_pinned_hash(tmp_path):
    import rtybt

    mine = tmp_path / "dip.py"
    mine.write_text(PULLBACK.read_text())
    run = one_run(tmp_path, {"name": "pullback", "file": str(mine), "params": {"hold_bars": 4}})
    original = mine.read_text()
    marker = tmp_path / "MARKER"
    mine.write_text(planting(marker))

    out = run_cli(["report", run])
    assert out.code == 0, out.stderr
    assert not marker.exists()
    assert rtybt.load_run(run).config.strategy.params["hold_bars"] == 4 and not marker.exists()
    refused = run_cli(["report", run, "--trust-strategy-file"])
    assert refused.code == 2 and "not the source the run used" in refused.stderr, refused.stderr
    assert not marker.exists()

    mine.write_text(original)  # the very source the run pinned: loaded on request, with its note and rules
    trusted = run_cli(["report", run, "--trust-strategy-file"])
    assert trusted.code == 0, trusted.stderr
    page = (run / "tearsheet.html").read_text()
    assert "not loaded" not in page and "pullback" in page
    assert rtybt.load_run(run, trust_strategy_file=True).config.strategy.params["hold_bars"] == 4


def test_a_missing_strategy_file_still_renders_the_stored_run(tmp_path):
    mine = tmp_path / "dip.py"
    mine.write_text(PULLBACK.read_text())
    run = one_run(tmp_path, {"name": "pullback", "file": str(mine)})
    mine.unlink()
    assert run_cli(["report", run]).code == 0
    gone = run_cli(["report", run, "--trust-strategy-file"])
    assert gone.code == 2 and "strategy file not found" in gone.stderr


def test_a_deleted_copy_of_a_strategy_file_does_not_hide_the_original(tmp_path):
    """Two files of one content load as one module name; the one a config names is the one whose source is
    hashed, even after the other copy is deleted (in one process, as a notebook or a test session runs)."""
    from rtybt.engine.config import load_config
    from rtybt.engine.results.provenance import strategy_source_sha
    from rtybt.strategies.files import source_sha256

    mine, copy = tmp_path / "mine.py", tmp_path / "copy.py"
    mine.write_text(PULLBACK.read_text() + "\n# this test's own content\n")
    copy.write_text(mine.read_text())
    configs = {path: config_file(tmp_path, path.stem, strategy={"name": "pullback", "file": str(path)})
               for path in (mine, copy)}
    assert strategy_source_sha(load_config(configs[mine])) == source_sha256(mine)
    assert strategy_source_sha(load_config(configs[copy])) == source_sha256(mine)  # the copy loaded last
    copy.unlink()
    assert strategy_source_sha(load_config(configs[mine])) == source_sha256(mine)
