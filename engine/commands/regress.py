"""Commands stage: `rtybt regress`: re-run configs in the regression pool, judge each against its baseline and
write the run's report (the job machinery lives in engine/regress/runner.py)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rtybt.engine.core.errors import ConfigError
from rtybt.engine.core.progress import Progress
from rtybt.engine.regress.compare import (
    DATA_CHANGED,
    ERROR,
    MISSING,
    OK,
    UPDATED,
    Verdict,
    compare,
    refusal,
)
from rtybt.engine.regress.runner import (
    Job,
    RegressReport,
    _display_path,
    discover_configs,
    run_jobs,
)
from rtybt.engine.regress.store import (
    BASELINES_DIR,
    TOLERANCES_FILE,
    baseline_path,
    load_tolerances,
    read_baseline,
    write_baseline,
)


@dataclass
class RegressRun:
    """The regression report and the folder its files were written to."""

    report: RegressReport
    report_dir: Path


def execute_regress(configs: list[str] | None = None, *, update: bool = False, overrides: list[str] | None = None,
                    data_dir: str | None = None, jobs: int | None = None, on_progress: Progress | None = None,
                    command_line: list[str] | None = None) -> RegressRun:
    """`rtybt regress`: run_regress, then its report written under results/regress/."""
    from rtybt.engine.regress.render import write_report

    report = run_regress(configs, update=update, overrides=overrides, data_dir=data_dir, jobs=jobs,
                         on_progress=on_progress)
    return RegressRun(report, write_report(report, command_line=command_line))


def run_regress(
    configs: list[str] | None = None,
    *,
    update: bool = False,
    baselines_dir: str | Path = BASELINES_DIR,
    tolerances_file: str | Path | None = TOLERANCES_FILE,
    overrides: list[str] | None = None,
    data_dir: str | None = None,
    jobs: int | None = None,
    on_progress: Progress | None = None,
) -> RegressReport:
    """Re-run configs and compare with their baselines; with `update`, write the baselines instead.
    `on_progress(done, total)` is told each config that finished, for a progress bar."""
    started = time.perf_counter()
    started_utc = datetime.now(UTC)
    if update and overrides:
        raise ConfigError("--update takes no --set: baselines are made from the configs as committed")
    paths = discover_configs(configs)
    from rtybt.engine.config import load_config

    # A malformed config is refused up front (exit 2, one line), before baselines or reports are touched.
    loaded = {p: load_config(p, list(overrides or ())) for p in paths}
    provenance: dict[str, dict] = {}
    baselines_dir = Path(baselines_dir)
    tolerances = load_tolerances(Path(tolerances_file) if tolerances_file else None)
    verdicts: dict[str, Verdict] = {}
    baselines: dict[str, dict] = {}
    todo = []
    for p in paths:
        bpath = baseline_path(baselines_dir, p)
        if bpath.is_file():
            baselines[p] = read_baseline(bpath)
        elif not update:
            verdicts[p] = Verdict(
                _display_path(p), MISSING,
                f"no baseline {bpath}: create it with `rtybt regress --update {_display_path(p)}`, "
                "review the file and commit it",
            )
            continue
        expected = () if update else tuple((d["file"], d["sha256"]) for d in baselines[p].get("data", []))
        todo.append(Job(p, tuple(overrides or ()), data_dir, expected))
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    written = []
    for outcome in run_jobs(todo, workers, on_progress):
        p = outcome.job.config_path
        if outcome.provenance is not None:
            provenance[p] = outcome.provenance
        if outcome.data_changed:
            shown = _display_path(p)
            verdicts[p] = Verdict(shown, DATA_CHANGED, refusal(outcome.data_changed, shown), seconds=outcome.seconds)
            continue
        if outcome.error is not None:
            verdicts[p] = Verdict(_display_path(p), ERROR, outcome.error, seconds=outcome.seconds)
            continue
        stem = Path(p).stem
        old = baselines.get(p)
        verdict = compare(old, outcome.record, tolerances, stem, outcome.dates) if old else None
        if update:
            bpath = baseline_path(baselines_dir, p)
            write_baseline(bpath, outcome.record)
            written.append(str(bpath))
            if verdict is None:
                verdict = Verdict(_display_path(p), UPDATED, f"created {bpath}")
            elif verdict.status == OK:
                verdict = Verdict(_display_path(p), UPDATED, f"rewrote {bpath}: results unchanged", notes=verdict.notes)
            else:
                verdict = Verdict(_display_path(p), UPDATED, f"rewrote {bpath}: {verdict.message}",
                                  verdict.moved, verdict.notes)
        verdict.seconds = outcome.seconds
        verdicts[p] = verdict
    orphans = []
    if not configs and baselines_dir.is_dir():
        stems = {Path(p).stem for p in paths}
        orphans = [str(b) for b in sorted(baselines_dir.glob("*.json")) if b.stem not in stems]
    from rtybt.engine.results.provenance import input_record

    inputs = [provenance.get(p) or input_record(p, loaded[p]) for p in paths]
    return RegressReport([verdicts[p] for p in paths], time.perf_counter() - started, workers, update,
                         str(baselines_dir), written, orphans, inputs, started_utc)
