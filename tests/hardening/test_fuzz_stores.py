"""Property-based fuzz of what rtybt reads back from its own stores: bytes of a variant store entry, an analogs
cache entry, a stored run or a regress baseline damaged at random. The answer is the undamaged result, or the
entry is refused (recomputed with one note; a baseline refused in one line): never a damaged value, never a crash."""

from __future__ import annotations

import json
import math
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtybt.engine.core.errors import ResultsError
from rtybt.engine.core.verify import StoreNote, open_bytes, seal_bytes
from tests.hardening.test_fuzz_inputs import DEEP

FUZZ = settings(max_examples=DEEP or 40, deadline=None, derandomize=not DEEP, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
REPO = Path(__file__).resolve().parents[2]


@st.composite
def damaged(draw, blob: bytes) -> bytes:
    """`blob` with one to three byte-level faults: a byte changed, a run deleted or inserted, a cut, or nothing left."""
    out = bytearray(blob)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["flip", "flip", "delete", "insert", "truncate", "empty"]))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if kind == "flip" and out:
            out[at] = draw(st.integers(0, 255))
        elif kind == "delete":
            del out[at: at + draw(st.integers(1, 40))]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=20))
        elif kind == "truncate":
            del out[at:]
        elif kind == "empty":
            out.clear()
    return bytes(out)


def _notes(caught) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, StoreNote)]


# -- the variant store -----------------------------------------------------------------------------------------
def _variant_store(root: Path):
    from rtybt.engine.sweep.store import VariantStore

    store = VariantStore(root, "d" * 64, "s" * 64)
    index = pd.bdate_range("2020-01-01", periods=30, name="date")
    returns = pd.Series(np.linspace(-0.02, 0.03, 30), index=index)
    metrics = {"sharpe": 1.25, "cagr": -0.05, "trades": 4, "start": "2020-01-01", "win_rate": float("nan")}
    store.save("k", {"ma_period": 10}, metrics, returns)
    return store, metrics, returns


@FUZZ
@given(data=st.data())
def test_a_variant_entry_damaged_at_random_is_the_original_or_refused(data, tmp_path_factory):
    root = tmp_path_factory.mktemp("store")
    store, metrics, returns = _variant_store(root)
    path = store.path("k")
    path.write_bytes(data.draw(damaged(path.read_bytes())))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hit = store.load("k")
    if hit is None:
        assert len(_notes(caught)) == 1 and str(path) in _notes(caught)[0]
        return
    got_metrics, got_returns = hit
    assert json.dumps(got_metrics, sort_keys=True) == json.dumps(metrics, sort_keys=True)
    pd.testing.assert_series_equal(got_returns, returns.rename("returns"), check_freq=False)


# -- a sealed CSV cache entry (the analogs walk-forward rows) ---------------------------------------------------
@FUZZ
@given(data=st.data())
def test_a_sealed_csv_entry_damaged_at_random_is_the_original_or_refused(data, tmp_path_factory):
    body = pd.DataFrame({"date": ["2020-01-31", "2020-02-28"], "p_up": [0.55, -0.1]}).to_csv(index=False).encode()
    inputs = {"history_sha256": "h" * 64, "method": "m" * 16}
    path = tmp_path_factory.mktemp("cache") / "walkforward.csv"
    path.write_bytes(data.draw(damaged(seal_bytes(body, inputs))))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = open_bytes(path, inputs, "cache")
    assert got == body or (got is None and len(_notes(caught)) == 1)


# -- a stored run compare would reuse ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stored_run(tmp_path_factory):
    from tests.hardening.cli_harness import run_cli
    from tests.hardening.store_fixtures import config_file, market

    root = tmp_path_factory.mktemp("stored")
    data = market(root)
    out = run_cli(["-q", "run", config_file(root, benchmark="BENCH"), "--data-dir", str(data), "--json"])
    assert out.code == 0, out.stderr
    return Path(json.loads(out.stdout)["run_dir"])


@FUZZ
@given(data=st.data())
def test_a_stored_run_damaged_at_random_is_never_reused(data, stored_run, tmp_path_factory):
    from rtybt.engine.results.reuse import find_reusable_run

    parent = tmp_path_factory.mktemp("runs") / "small"
    run = parent / stored_run.name
    shutil.copytree(stored_run, run)
    record = json.loads((run / "manifest.json").read_text())["inputs"][0]
    dates = pd.read_csv(run / "returns.csv")["date"].tolist()
    names = sorted(p.name for p in run.iterdir() if p.name != "manifest.json")
    victim = run / data.draw(st.sampled_from(names))
    before = victim.read_bytes()
    victim.write_bytes(data.draw(damaged(before)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = find_reusable_run(parent, record, dates)
    if victim.read_bytes() == before:
        assert found == run
    else:
        assert found is None and len(_notes(caught)) == 1 and str(run) in _notes(caught)[0]


# -- a regress baseline ---------------------------------------------------------------------------------------
BASELINE = REPO / "tests" / "regression" / "baselines" / "ma_reclaim.json"


@FUZZ
@given(data=st.data())
def test_a_baseline_damaged_at_random_is_refused_in_one_line_or_compares_without_crashing(data, tmp_path_factory):
    from rtybt.engine.regress.compare import compare
    from rtybt.engine.regress.record import decode_year
    from rtybt.engine.regress.store import Tolerances, read_baseline

    original = read_baseline(BASELINE)
    path = tmp_path_factory.mktemp("baselines") / "ma_reclaim.json"
    path.write_bytes(data.draw(damaged(BASELINE.read_bytes())))
    try:
        record = read_baseline(path)
    except ResultsError as exc:
        message = str(exc)
        assert message.startswith(str(path)) and "\n" not in message and len(message) < 600
        return
    for block in record["returns"]["years"].values():
        assert np.isfinite(decode_year(block)).all() and len(decode_year(block)) == block["bars"]
    numbers = [v for v in record["metrics"].values() if isinstance(v, float)]
    assert all(math.isfinite(v) for v in numbers)
    compare(record, original, Tolerances(), "ma_reclaim")  # a verdict, whatever moved: never an exception
