"""examples/ready_to_rally.ipynb runs end to end (nbclient, this venv's Python as the kernel) and is committed
without outputs. It runs on the snapshot's recent years (every call, the config files' runs too): the cells and
what they show are the same, in half the time of the whole history."""

from __future__ import annotations

import nbformat
import pytest

from tests.conftest import REPO

NOTEBOOK = REPO / "examples" / "ready_to_rally.ipynb"


def test_the_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    assert any("parameters" in c.metadata.get("tags", []) for c in code)


@pytest.mark.slow
def test_the_notebook_runs_end_to_end(tmp_path, recent_snapshot_dir, monkeypatch):
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    first = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    # As papermill does: a cell after the parameters cell sends the runs to a temporary folder.
    nb.cells.insert(first + 1, nbformat.v4.new_code_cell(f"RESULTS = {str(tmp_path)!r}\n"
                                                         f"DATA = {str(recent_snapshot_dir)!r}"))
    # The kernel inherits it: the config files' data.dir gives way to RTYBT_DATA_DIR (README, The data directory).
    monkeypatch.setenv("RTYBT_DATA_DIR", str(recent_snapshot_dir))
    # kernel "python3" is ipykernel's native kernel: the interpreter running the tests (this venv).
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(REPO / "examples")}}).execute()

    def outputs(fragment: str) -> list:
        cell = next(c for c in nb.cells if c.cell_type == "code" and fragment in c.source)
        return cell.outputs

    def html(fragment: str) -> str:
        return "".join(o.get("data", {}).get("text/html", "") for o in outputs(fragment))

    assert "RTY=F on 2025-05-08" in "".join(o.get("data", {}).get("text/plain", "") for o in outputs("snapshot("))
    card = html('result = rtybt.run("../configs/ready_to_rally.yaml"')
    # The card leads with the verdict's status (engine/analysis/run/verdict.py) and weighs it against buy-and-hold.
    statuses = ("Paid off:", "Mixed:", "Did not pay off:", "Not enough evidence:")
    assert "border-left:5px solid" in card and any(s in card for s in statuses) and "buy-and-hold" in card
    assert "tearsheet.html" in card
    assert any("image/png" in o.get("data", {}) for o in outputs("result.plot_note_chart()"))
    compared = html("rtybt.compare([note, looser])")
    assert "rally_rsi55" in compared and "rally_rsi50" in compared
    assert "deflated Sharpe ratio" in html("sweep = rtybt.sweep(")
    assert any("image/png" in o.get("data", {}) for o in outputs("sweep.plot_heatmap("))
    assert "pullback" in html('mine = rtybt.run("pullback.yaml"')
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["compare", "pullback", "rally_rsi50", "rally_rsi55",
                                                          "rally_rsi55-sweep", "ready_to_rally"]
