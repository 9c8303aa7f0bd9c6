"""Regression stage: run configs in a process pool (bars loaded per worker) and judge each against its baseline."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rtybt.engine.core.errors import ConfigError, UserError
from rtybt.engine.core.pool import as_finished, ignore_ctrl_c, make_pool
from rtybt.engine.core.progress import Progress
from rtybt.engine.regress.compare import (
    DATA_CHANGED,
    ERROR,
    MISSING,
    REGRESSION,
    Verdict,
    data_change,
)

CONFIGS_GLOB = "configs/*.yaml"


@dataclass(frozen=True)
class Job:
    config_path: str
    overrides: tuple[str, ...] = ()
    data_dir: str | None = None
    expected_data: tuple[tuple[str, str], ...] = ()  # (file name, sha256) from the baseline


@dataclass
class Outcome:
    """What a worker sends back: the record (or the one-line error) and how long it took."""

    job: Job
    record: dict | None
    dates: list[str] | None
    seconds: float
    error: str | None = None
    data_changed: list[str] = field(default_factory=list)
    provenance: dict | None = None  # engine.results.provenance.input_record of the run, when it ran


@dataclass
class RegressReport:
    verdicts: list[Verdict]
    seconds: float
    jobs: int
    update: bool
    baselines_dir: str
    written: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)  # baselines whose config is not among those checked
    inputs: list[dict] = field(default_factory=list)  # one provenance record per config (engine/results/provenance.py)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def exit_code(self) -> int:
        """2: refused (changed data) or bad input; 1: a regression or a missing baseline; 0: all hold."""
        statuses = {v.status for v in self.verdicts}
        if statuses & {DATA_CHANGED, ERROR}:
            return 2
        if statuses & {REGRESSION, MISSING}:
            return 1
        return 0

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in self.verdicts:
            out[v.status] = out.get(v.status, 0) + 1
        return out


def run_job(job: Job) -> Outcome:
    """One config, start to finish, in whichever process runs it; input problems come back as text."""
    from rtybt.engine.config import load_config
    from rtybt.engine.data import load_run_bars
    from rtybt.engine.regress.record import make_record
    from rtybt.engine.results.provenance import input_record, library_versions
    from rtybt.engine.run import run_backtest

    started = time.perf_counter()
    try:
        config = load_config(job.config_path, list(job.overrides))
        # Checked before loading: a changed file is refused even when it no longer validates.
        changed = changed_files(job, config)
        if changed:
            return Outcome(job, None, None, time.perf_counter() - started, data_changed=changed)
        bars, bench = load_run_bars(config, job.data_dir)
        result = run_backtest(config, bars.frame, bench.frame if bench else None)
    except UserError as exc:
        return Outcome(job, None, None, time.perf_counter() - started, str(exc))
    record = make_record(_display_path(job.config_path), config, result, bars, bench, library_versions())
    dates = [str(d) for d in result.returns.index.date]
    provenance = input_record(job.config_path, config, bars, bench)
    return Outcome(job, record, dates, time.perf_counter() - started, provenance=provenance)


def changed_files(job: Job, config) -> list[str]:
    from rtybt.engine.data import resolve_data_dir
    from rtybt.engine.data.load import sha256_file

    data_dir, _ = resolve_data_dir(job.data_dir, config.data.dir, config.data.symbol)
    out = []
    for name, expected in job.expected_data:
        path = data_dir / name
        if path.is_file():
            now = sha256_file(path)
            if now != expected:
                out.append(data_change(name, expected, now, str(data_dir)))
    return out


def _display_path(path: str) -> str:
    """Relative to the working directory when inside it: baselines must not hold machine paths."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return p.name if p.is_absolute() else str(p)


def discover_configs(configs: list[str] | None) -> list[str]:
    if configs:
        paths = list(configs)
    else:
        paths = [str(p) for p in sorted(Path().glob(CONFIGS_GLOB))]
        if not paths:
            raise ConfigError(f"no configs match {CONFIGS_GLOB} in {Path.cwd()}: name the configs to check")
    for p in paths:
        if Path(p).exists() and not Path(p).is_file():
            raise ConfigError(f"{p}: not a regular file, expected a YAML config file")
        if not Path(p).is_file():
            raise ConfigError(f"{p}: config file not found")
    stems: dict[str, str] = {}
    for p in paths:
        stem = Path(p).stem
        if stem in stems and Path(stems[stem]).resolve() != Path(p).resolve():
            raise ConfigError(f"{p}: same file stem as {stems[stem]}; baselines are named after the stem")
        stems[stem] = p
    return list(dict.fromkeys(paths))


# What a worker must see as the parent does: where the data is, whether to go online, relative paths.
ENV_KEYS = ("RTYBT_DATA_DIR", "RTYBT_OFFLINE", "XDG_CACHE_HOME")


def _in_parent_context(task: tuple[Job, dict, str]) -> Outcome:
    job, env, cwd = task
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    os.chdir(cwd)
    return run_job(job)


def run_jobs(jobs: list[Job], workers: int, on_progress: Progress | None = None) -> list[Outcome]:
    """In order of `jobs`; a pool of `workers` processes, each loading its own config's bars.

    Workers come from rtybt.engine.core.pool's forkserver with the engine preloaded, so they start fast; the
    parent's environment and folder go with each job.
    """
    def tick(done: int) -> None:
        if on_progress is not None:
            on_progress(done, len(jobs))

    tick(0)
    if workers <= 1 or len(jobs) <= 1:
        outcomes = []
        for job in jobs:
            outcomes.append(run_job(job))
            tick(len(outcomes))
        return outcomes
    env = {key: os.environ.get(key) for key in ENV_KEYS}
    tasks = [(job, env, os.getcwd()) for job in jobs]
    pool = make_pool(workers, ignore_ctrl_c, preload=["rtybt.engine.run", "rtybt.engine.data", "rtybt.engine.results.provenance",
                                                         "rtybt.engine.regress.record"])
    outcomes: dict[int, Outcome] = {}
    # as_finished stops the workers at once on Ctrl-C, SIGTERM or an error, not after every queued config.
    for i, outcome in as_finished(pool, _numbered, list(enumerate(tasks))):
        outcomes[i] = outcome
        tick(len(outcomes))
    return [outcomes[i] for i in range(len(tasks))]  # in the order of `jobs`


def _numbered(item: tuple[int, tuple[Job, dict, str]]) -> tuple[int, Outcome]:
    i, task = item
    return i, _in_parent_context(task)

