"""The store and cache fault catalogue: every entry a command may reuse (the sweep's and walk-forward's variant
store, `compare`'s stored runs, the analogs walk-forward cache) is damaged in each way (empty, truncated,
wrong type, non-finite, made from other input bytes, other code) and the command must end exactly as an
undamaged run does, with a one-line note naming the entry it recomputed: never reused silently, never a crash.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from rtybt.engine.core.verify import check_bytes, seal_bytes, seal_json
from rtybt.engine.data.load import sha256_file
from tests.hardening.cli_harness import run_cli, tree_digest
from tests.hardening.store_fixtures import config_file, market, walk_csv

# top 1: the report page shows one variant (it runs again for its setups); sweep.csv and the statistics, what the
# tests compare, hold every variant whatever `top` is.
GRID = {"sweep": {"grid": {"ma_period": [5, 10, 15]}, "top": 1}}
WINDOWS = {"walkforward": {"train_bars": 120, "test_bars": 60}}


# -- damage done to one sealed JSON entry ----------------------------------------------------------------------
def _entry(path: Path) -> dict:
    return json.loads(path.read_text())


def _edit_content(change: Callable[[dict], None]):
    """Edit an entry's content and leave its checksum as it was (a damaged or hand-edited entry)."""
    def damage(path: Path) -> None:
        entry = _entry(path)
        change(entry["content"])
        path.write_text(json.dumps(entry))
    return damage


def _reseal(change: Callable[[dict, dict], None]):
    """Edit content or inputs and seal again with a valid checksum (an entry written from other inputs, or by
    a faulty writer): the inputs and the content's shape must still be checked."""
    def damage(path: Path) -> None:
        entry = _entry(path)
        content, inputs = entry["content"], entry["inputs"]
        change(content, inputs)
        path.write_text(seal_json(content, inputs))
    return damage


def _set(mapping_key: str, key, value):
    def change(content: dict) -> None:
        content[mapping_key][key] = value
    return change


def _cut_returns(content: dict) -> None:
    content["dates"].pop()
    content["returns"].pop()


def _other_input(key: str, value: str):
    def change(content: dict, inputs: dict) -> None:
        inputs[key] = value
    return change


def _empty_metrics(content: dict, inputs: dict) -> None:
    content["metrics"] = {}


def _old_format(path: Path) -> None:
    entry = _entry(path)
    path.write_text(json.dumps({"key": entry["inputs"]["key"], **entry["inputs"], **entry["content"]}))


VARIANT_DAMAGE = {
    "empty": lambda p: p.write_text(""),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
    "returns-truncated": _edit_content(_cut_returns),
    "metrics-emptied": _edit_content(lambda c: c.__setitem__("metrics", {})),
    "metric-as-text": _edit_content(_set("metrics", "sharpe", "high")),
    "metric-non-finite": _edit_content(_set("metrics", "sharpe", math.nan)),
    "return-non-finite": _edit_content(lambda c: c["returns"].__setitem__(0, math.inf)),
    "return-as-list": _edit_content(lambda c: c["returns"].__setitem__(0, [0.01])),
    "other-data-bytes": _reseal(_other_input("data_sha256", "0" * 64)),
    "other-strategy-source": _reseal(_other_input("strategy_source_sha256", "1" * 64)),
    "other-code-version": _reseal(_other_input("code_version", "0.0.1+0000000000000000")),
    "sealed-without-metrics": _reseal(_empty_metrics),
    "unsealed-old-format": _old_format,
    "not-json": lambda p: p.write_bytes(b"\x00\xff{[" * 40),
}


@dataclass
class Sweep:
    csv: bytes
    statistics: dict
    store: Path


def _sweep(tmp_path: Path, command: str, *extra: str):
    out = run_cli(["-q", command, config_file(tmp_path, **GRID, **WINDOWS), "--workers", "1", "--json", *extra])
    assert out.code == 0, out.stderr
    return json.loads(out.stdout), out.stderr


@pytest.fixture(scope="module")
def undamaged(tmp_path_factory):
    """One sweep and one walk-forward on the synthetic market: their tables and their variant store."""
    root = tmp_path_factory.mktemp("undamaged")
    market(root)
    summary, _ = _sweep(root, "sweep", "--data-dir", str(root / "data"))
    run_dir = Path(summary["run_dir"])
    sweep = Sweep((run_dir / "sweep.csv").read_bytes(), json.loads((run_dir / "sweep.json").read_text())["statistics"],
                  root / "results" / ".variants")
    sweep_entries = {p.name for p in sweep.store.glob("*.json")}
    wf, _ = _sweep(root, "walkforward", "--data-dir", str(root / "data"))
    return sweep, sweep_entries, wf


def _damaged_store(tmp_path: Path, undamaged, names: set[str], damage) -> Path:
    market(tmp_path)
    store = tmp_path / "results" / ".variants"
    shutil.copytree(undamaged[0].store, store)
    victim = sorted(p for p in store.glob("*.json") if p.name in names)[0]
    damage(victim)
    return victim


def _one_note(stderr: str, victim: Path) -> None:
    notes = [line for line in stderr.splitlines() if line.startswith("rtybt: note: ")]
    assert len(notes) == 1 and str(victim) in notes[0] and notes[0].endswith("recomputed"), stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("damage", VARIANT_DAMAGE, ids=list(VARIANT_DAMAGE))
def test_a_damaged_sweep_store_entry_is_recomputed_and_the_sweep_ends_as_undamaged(damage, tmp_path, monkeypatch,
                                                                                    undamaged):
    sweep, names, _ = undamaged
    victim = _damaged_store(tmp_path, undamaged, names, VARIANT_DAMAGE[damage])
    monkeypatch.setenv("RTYBT_DATA_DIR", str(tmp_path / "data"))
    summary, stderr = _sweep(tmp_path, "sweep", "--resume")
    _one_note(stderr, victim)
    assert (summary["computed"], summary["reused"]) == (1, 2)
    run_dir = Path(summary["run_dir"])
    assert (run_dir / "sweep.csv").read_bytes() == sweep.csv
    # The deflated Sharpe and the PBO are those of the undamaged sweep, to the last digit.
    assert json.loads((run_dir / "sweep.json").read_text())["statistics"] == sweep.statistics


WALKFORWARD_DAMAGE = ["empty", "truncated", "returns-truncated", "metric-as-text", "other-data-bytes"]


@pytest.mark.parametrize("damage", WALKFORWARD_DAMAGE)
def test_a_damaged_walkforward_store_entry_is_recomputed(damage, tmp_path, monkeypatch, undamaged):
    _, sweep_names, wf = undamaged
    names = {p.name for p in undamaged[0].store.glob("*.json")} - sweep_names
    victim = _damaged_store(tmp_path, undamaged, names, VARIANT_DAMAGE[damage])
    monkeypatch.setenv("RTYBT_DATA_DIR", str(tmp_path / "data"))
    summary, stderr = _sweep(tmp_path, "walkforward", "--resume")
    _one_note(stderr, victim)
    assert summary["computed"] == 1
    volatile = {"run_dir", "computed", "reused", "reused_from_store"}
    assert {k: v for k, v in summary.items() if k not in volatile} == \
        {k: v for k, v in wf.items() if k not in volatile}


def test_a_data_file_replaced_between_sweeps_reuses_nothing_of_the_old_bytes(tmp_path, monkeypatch, undamaged):
    market(tmp_path)
    shutil.copytree(undamaged[0].store, tmp_path / "results" / ".variants")
    (tmp_path / "data" / "XYZ.csv").write_text(walk_csv(seed=99))
    monkeypatch.setenv("RTYBT_DATA_DIR", str(tmp_path / "data"))
    resumed, _ = _sweep(tmp_path, "sweep", "--resume")
    fresh, _ = _sweep(tmp_path, "sweep")
    assert resumed["reused"] == 0 and resumed["computed"] == 3
    assert Path(resumed["run_dir"], "sweep.csv").read_bytes() == Path(fresh["run_dir"], "sweep.csv").read_bytes()


# -- compare's reuse of a stored run --------------------------------------------------------------------------
def _rehash(run: Path) -> None:
    manifest = json.loads((run / "manifest.json").read_text())
    manifest["files"] = {name: sha256_file(run / name) for name in manifest["files"]}
    (run / "manifest.json").write_text(json.dumps(manifest))


def _json_edit(name: str, change: Callable[[dict], None], rehash: bool = True):
    def damage(run: Path, data: Path) -> None:
        path = run / name
        payload = json.loads(path.read_text())
        change(payload)
        path.write_text(json.dumps(payload))
        if rehash:
            _rehash(run)
    return damage


def _returns_edit(change: Callable[[list[str]], None], rehash: bool = True):
    def damage(run: Path, data: Path) -> None:
        lines = (run / "returns.csv").read_text().splitlines()
        change(lines)
        (run / "returns.csv").write_text("\n".join(lines) + "\n")
        if rehash:
            _rehash(run)
    return damage


def _nan_return(lines: list[str]) -> None:
    cells = lines[5].split(",")
    cells[1] = "nan"
    lines[5] = ",".join(cells)


COMPARE_DAMAGE = {
    "returns-truncated": _returns_edit(lambda lines: lines.__delitem__(slice(len(lines) // 2, None)), rehash=False),
    "returns-truncated-and-rehashed": _returns_edit(lambda lines: lines.__delitem__(slice(len(lines) // 2, None))),
    "metrics-emptied": _json_edit("metrics.json", lambda m: m.__setitem__("strategy", {})),
    "metric-as-list": _json_edit("metrics.json", lambda m: m["strategy"].__setitem__("sharpe", [1])),
    "return-non-finite": _returns_edit(_nan_return),
    "metrics-edited-not-rehashed": _json_edit("metrics.json", lambda m: m["strategy"].__setitem__("cagr", 9.9),
                                              rehash=False),
    "benchmark-file-replaced": lambda run, data: (data / "BENCH.csv").write_text(walk_csv(seed=42, drift=-0.001)),
    "traded-file-replaced": lambda run, data: (data / "XYZ.csv").write_text(walk_csv(seed=43)),
    "other-code-version": _json_edit("manifest.json", lambda m: m["inputs"][0].__setitem__("code_version", "0.0.1"),
                                     rehash=False),
}
VOLATILE_ROW = {"source", "run_dir", "tearsheet"}


def _compare(config: Path, *extra: str):
    out = run_cli(["-q", "compare", config, "--json", *extra])
    assert out.code == 0, out.stderr
    summary = json.loads(out.stdout)
    rows = [{k: v for k, v in row.items() if k not in VOLATILE_ROW} for row in summary["rows"]]
    return rows, summary["benchmarks"], [row["source"].split(":")[0] for row in summary["rows"]], out.stderr


@dataclass
class StoredCompare:
    root: Path  # data/ and results/small/<the one stored run>/
    rows: list
    benchmarks: list


@pytest.fixture(scope="module")
def stored_compare(tmp_path_factory):
    """One compare on the synthetic market: its stored run is reused by a second compare, and by a compare in a
    copy of the tree (what each test below starts from, then damages); its rows are a from-scratch run's."""
    root = tmp_path_factory.mktemp("stored_compare")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RTYBT_DATA_DIR", str(market(root)))
        config = config_file(root, benchmark="BENCH")
        rows, benchmarks, sources, _ = _compare(config)
        assert sources == ["run now"]
        assert _compare(config)[2] == ["reused"]
        copy = _copy_stored_compare(root, tmp_path_factory.mktemp("copied"))
        patch.setenv("RTYBT_DATA_DIR", str(copy / "data"))
        assert _compare(config_file(copy, benchmark="BENCH"))[2] == ["reused"]
    return StoredCompare(root, rows, benchmarks)


def _copy_stored_compare(root: Path, tmp_path: Path) -> Path:
    shutil.copytree(root / "data", tmp_path / "data")
    shutil.copytree(root / "results" / "small", tmp_path / "results" / "small")
    return tmp_path


@pytest.mark.parametrize("damage", COMPARE_DAMAGE, ids=list(COMPARE_DAMAGE))
def test_compare_never_reuses_a_stored_run_that_does_not_verify(damage, tmp_path, monkeypatch, stored_compare):
    data = _copy_stored_compare(stored_compare.root, tmp_path) / "data"
    monkeypatch.setenv("RTYBT_DATA_DIR", str(data))
    config = config_file(tmp_path, benchmark="BENCH")
    (run,) = (tmp_path / "results" / "small").iterdir()  # reused as it is (the fixture's second and third compare)
    COMPARE_DAMAGE[damage](run, data)
    rows, benchmarks, sources, stderr = _compare(config)
    assert sources == ["run now"]
    notes = [line for line in stderr.splitlines() if line.startswith("rtybt: note: stored run ")]
    assert len(notes) == 1 and str(run) in notes[0] and "Traceback" not in stderr, stderr
    # What a run from scratch on the files as they are now gives, the buy-and-hold row included: the fixture's
    # first compare when the data files are its bytes, else a compare that runs again.
    if tree_digest(data) == tree_digest(stored_compare.root / "data"):
        fresh_rows, fresh_benchmarks = stored_compare.rows, stored_compare.benchmarks
    else:
        fresh_rows, fresh_benchmarks, _, _ = _compare(config, "--rerun")
    assert rows == fresh_rows and benchmarks == fresh_benchmarks


# -- the analogs walk-forward cache ---------------------------------------------------------------------------
def _body_edit(change: Callable[[list[str]], None], reseal: bool = False):
    def damage(path: Path) -> None:
        blob = path.read_bytes()
        head, body = blob.split(b"\n", 1)
        lines = body.decode().splitlines()
        change(lines)
        new_body = ("\n".join(lines) + "\n").encode()
        if reseal:
            inputs = json.loads(head[len(b"# rtybt-store "):])["inputs"]
            path.write_bytes(seal_bytes(new_body, inputs))
        else:
            path.write_bytes(head + b"\n" + new_body)
    return damage


def _cell(row: int, column: int, value: str):
    def change(lines: list[str]) -> None:
        cells = lines[row].split(",")
        cells[column] = value
        lines[row] = ",".join(cells)
    return change


def _other_history(path: Path) -> None:
    blob = path.read_bytes()
    head = json.loads(blob.split(b"\n", 1)[0][len(b"# rtybt-store "):])
    body = check_bytes(blob, head["inputs"])
    path.write_bytes(seal_bytes(body, {**head["inputs"], "history_sha256": "2" * 64}))


ANALOGS_DAMAGE = {
    "empty": lambda p: p.write_text(""),
    "truncated-rows": _body_edit(lambda lines: lines.__delitem__(slice(len(lines) // 2, None))),
    "cell-as-text": _body_edit(_cell(3, 3, "high")),
    "cell-non-finite": _body_edit(_cell(3, 3, "inf")),
    "made-from-other-history": _other_history,
    "plain-csv-without-seal": lambda p: p.write_bytes(p.read_bytes().split(b"\n", 1)[1]),
    "sealed-but-not-rows": _body_edit(lambda lines: lines.__setitem__(slice(None), ["not,the", "rows,"]),
                                      reseal=True),
}


def _analogs(root: Path):
    from rtybt.engine.commands.analogs import run_analogs

    return run_analogs("XYZ", None, history="XYZ", data_dir=str(root / "data"), results_dir=root, write=False)


@pytest.fixture(scope="module")
def analogs_computed(tmp_path_factory):
    """The analogs answer on a 900-bar market, computed once (and its walk-forward cache written); each test
    below starts from a copy of the market and the cache."""
    root = tmp_path_factory.mktemp("analogs")
    (root / "data").mkdir()
    (root / "data" / "XYZ.csv").write_text(walk_csv(rows=900, start="2015-01-01"))
    first = _analogs(root)
    assert first.score_source == "computed"
    return root, first


@pytest.mark.parametrize("damage", ANALOGS_DAMAGE, ids=list(ANALOGS_DAMAGE))
def test_a_damaged_analogs_cache_is_recomputed_and_scores_as_undamaged(damage, tmp_path, analogs_computed):
    root, first = analogs_computed
    shutil.copytree(root / "data", tmp_path / "data")
    shutil.copytree(root / "analogs", tmp_path / "analogs")

    def answer():
        return _analogs(tmp_path)

    (cached,) = (tmp_path / "analogs" / ".cache").glob("walkforward-*.csv")
    assert answer().score_source == f"cache {cached.name}"
    ANALOGS_DAMAGE[damage](cached)
    with pytest.warns(Warning) as caught:
        again = answer()
    notes = [str(w.message) for w in caught if w.category.__name__ == "StoreNote"]
    assert len(notes) == 1 and str(cached) in notes[0] and notes[0].endswith("recomputed"), notes
    assert again.score_source == "computed" and again.score == first.score
    assert answer().score_source == f"cache {cached.name}"  # replaced by a good entry


def test_the_catalogue_covers_each_store_in_each_way():
    cases = len(VARIANT_DAMAGE) + len(WALKFORWARD_DAMAGE) + len(COMPARE_DAMAGE) + len(ANALOGS_DAMAGE)
    assert cases >= 30
    for kind in ("empty", "truncated", "other"):
        assert any(kind in name for name in VARIANT_DAMAGE)
        assert any(kind in name for name in ANALOGS_DAMAGE)
