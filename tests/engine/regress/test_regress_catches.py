"""The regression net catches what it should, on a short real ^RUT slice with a baseline made in tmp_path.

Each change below is made the way it would reach the code: a parameter or commission through the
config (--set), a one-bar shift in fills through the engine itself (config untouched), a changed
price through the data file. The committed baselines are never touched.
"""

from __future__ import annotations

import pytest
import yaml

import rtybt.engine.run
from rtybt.engine.commands.regress import run_regress
from rtybt.engine.regress.compare import DATA_CHANGED, OK, REGRESSION
from rtybt.engine.regress.runner import Job, run_job
from rtybt.engine.regress.store import read_baseline
from tests.conftest import REPO

SLICE_START = "2015-01-01"


@pytest.fixture(scope="module")
def made(tmp_path_factory, snapshot_dir):
    """A config on 2015 onward (~55 trades) and its baseline, written by the update path."""
    root = tmp_path_factory.mktemp("regress")
    raw = yaml.safe_load((REPO / "configs" / "ma_reclaim.yaml").read_text())
    raw["data"]["start"] = SLICE_START
    raw["data"]["dir"] = str(snapshot_dir)
    config = root / "slice.yaml"
    config.write_text(yaml.safe_dump(raw))
    baselines = root / "baselines"
    report = run_regress([str(config)], update=True, baselines_dir=baselines, tolerances_file=None, jobs=1)
    assert report.exit_code == 0 and report.written == [str(baselines / "slice.json")]
    return {"config": str(config), "baselines": baselines, "baseline": read_baseline(baselines / "slice.json")}


def check(made, **kwargs):
    report = run_regress([made["config"]], baselines_dir=made["baselines"], tolerances_file=None, jobs=1, **kwargs)
    assert len(report.verdicts) == 1
    return report, report.verdicts[0]


def moved(verdict, what):
    rows = [m for m in verdict.moved if m.what == what]
    assert rows, f"{what} not among {[m.what for m in verdict.moved]}"
    return rows[0]


def test_unchanged_rerun_holds(made):
    assert len(made["baseline"]["trades"]) > 20  # the slice is long enough to say something
    report, verdict = check(made)
    assert verdict.status == OK and verdict.moved == [] and verdict.notes == []
    assert report.exit_code == 0


def test_strategy_parameter_change_is_caught(made):
    report, verdict = check(made, overrides=["strategy.params.ma_period=40"])
    assert report.exit_code == 1 and verdict.status == REGRESSION
    assert any("strategy.params.ma_period 50 -> 40" in n for n in verdict.notes)
    # The first diverging trade named in the table is the first row that differs, found here independently.
    old = made["baseline"]["trades"]
    new = run_job(Job(made["config"], ("strategy.params.ma_period=40",))).record["trades"]
    cols = made["baseline"]["trade_columns"]
    first = next(i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b)
    wheres = [m.where for m in verdict.moved if m.where.startswith("trade #")]
    assert wheres and wheres[0].startswith(f"trade #{first + 1} (entered {old[first][cols.index('entry_date')]})")
    assert "first diverging date" in moved(verdict, "returns.daily").where


def test_one_bar_shift_in_fills_is_caught(made, monkeypatch):
    """An engine bug that fills at the signal bar's close instead of the next open; the config is unchanged."""
    original = rtybt.engine.run.configure

    def shifted(cerebro, broker, sizing):
        original(cerebro, broker, sizing)
        cerebro.broker.set_coc(True)

    monkeypatch.setattr(rtybt.engine.run, "configure", shifted)
    report, verdict = check(made)
    assert report.exit_code == 1 and verdict.status == REGRESSION
    assert verdict.notes == []  # nothing in the config explains it
    cols = made["baseline"]["trade_columns"]
    t1 = made["baseline"]["trades"][0]
    row = moved(verdict, "trades.entry_date")
    # Trade #1 now enters on its signal day, one bar before the baseline's entry (the next session).
    assert row.baseline == t1[cols.index("entry_date")]
    assert row.current == t1[cols.index("entry_signal_date")]
    assert row.where.startswith("trade #1 ")
    # Equity is marked before the broker executes the order, so the signal day's return is unchanged;
    # the first day that moves is the baseline's entry day, now held from the signal close, not its open.
    assert moved(verdict, "returns.daily").where.startswith(f"first diverging date {row.baseline}:")


def test_commission_change_is_caught(made):
    report, verdict = check(made, overrides=["broker.commission_rate=0.0003"])
    assert report.exit_code == 1 and verdict.status == REGRESSION
    assert any("broker.commission_rate 0.0002 -> 0.0003" in n for n in verdict.notes)
    whats = {m.what for m in verdict.moved}
    # Same trades on the same dates (exact fields do not move), different costs and returns.
    assert "trades.count" not in whats and "trades.entry_date" not in whats
    assert {"metrics.total_return", "trades.commission", "returns.daily"} <= whats
    cols = made["baseline"]["trade_columns"]
    t1 = made["baseline"]["trades"][0]
    row = moved(verdict, "trades.commission")
    assert row.where.startswith("trade #1 ")
    assert row.current == pytest.approx(row.baseline * 1.5, rel=1e-3)  # 3 bp instead of 2 bp, same sizes
    # The first fill day is the first day the higher commission shows in the equity.
    assert moved(verdict, "returns.daily").where.startswith(f"first diverging date {t1[cols.index('entry_date')]}:")


@pytest.mark.parametrize(("new_close", "why"), [
    (lambda c: repr(float(c) + 0.5), "one close half an index point higher: still valid data"),
    (lambda c: "", "one close missing: the file would now fail validation, yet the answer is the same"),
])
def test_changed_data_file_is_refused(made, snapshot_dir, tmp_path, monkeypatch, new_close, why):
    data = tmp_path / "data"
    data.mkdir()
    lines = (snapshot_dir / "^RUT.csv").read_text().splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith("2020-06-01"))
    close = lines[0].split(",").index("Close")
    cells = lines[i].split(",")
    cells[close] = new_close(cells[close])
    lines[i] = ",".join(cells)
    (data / "^RUT.csv").write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("RTYBT_DATA_DIR", str(data))
    report, verdict = check(made)
    assert report.exit_code == 2 and verdict.status == DATA_CHANGED, why
    assert verdict.message.startswith("refusing to compare: data file ^RUT.csv changed (sha256 "
                                      f"{made['baseline']['data'][0]['sha256'][:12]}… in the baseline")
    assert f"read from {data}" in verdict.message
    assert verdict.moved == []  # no false regression reported


def test_pool_gives_the_same_records_as_one_process(made, tmp_path):
    """Workers load their own bars; the records (and so the verdicts) must not depend on where a config ran."""
    from rtybt.engine.regress.runner import run_jobs

    recent = "data.start=2021-01-01"  # shorter than the module's slice: four runs here
    jobs = [Job(made["config"], (recent,)), Job(made["config"], (recent, "strategy.params.hold_bars=2"))]
    serial = run_jobs(jobs, workers=1)
    pooled = run_jobs(jobs, workers=2)
    assert [o.record for o in pooled] == [o.record for o in serial]
    assert serial[0].record["trades"] != serial[1].record["trades"]  # the two jobs really differ


def test_pool_workers_see_the_parents_data_dir_and_folder(made, snapshot_dir, tmp_path, monkeypatch):
    """A worker must read the data the parent points at (here a changed copy), whatever it inherited."""
    from rtybt.engine.regress.runner import run_jobs

    data = tmp_path / "data"
    data.mkdir()
    (data / "^RUT.csv").write_text((snapshot_dir / "^RUT.csv").read_text() + "\n")  # one blank line more
    monkeypatch.setenv("RTYBT_DATA_DIR", str(data))
    monkeypatch.chdir(made["baselines"].parent)
    expected = tuple((d["file"], d["sha256"]) for d in made["baseline"]["data"])
    jobs = [Job("slice.yaml", (), None, expected), Job("slice.yaml", ("strategy.params.hold_bars=2",), None, expected)]
    outcomes = run_jobs(jobs, workers=2)
    for outcome in outcomes:
        assert outcome.error is None and outcome.record is None
        assert outcome.data_changed and outcome.data_changed[0].startswith("^RUT.csv changed (sha256 ")
        assert outcome.data_changed[0].endswith(f"read from {data})")
