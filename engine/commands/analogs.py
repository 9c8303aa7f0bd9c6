"""Commands stage: `rtybt analogs`: symbol + date -> validated bars -> analogs, their outcomes and the method's score."""

from __future__ import annotations

import hashlib
import inspect
import json
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from rtybt.engine.analysis.analogs import nearest as analogs
from rtybt.engine.analysis.analogs import score as analogs_score
from rtybt.engine.analysis.analogs.nearest import AnalogAnswer, AnalogSettings, find_analogs
from rtybt.engine.analysis.analogs.score import MethodScore, score, walk_forward
from rtybt.engine.analysis.note.snapshot import Snapshot, locate_bar
from rtybt.engine.commands.snapshot import data_provenance, take_snapshot
from rtybt.engine.core.errors import UserError
from rtybt.engine.core.progress import Stage, announce
from rtybt.engine.data import Bars, load_bars, resolve_data_dir

DEFAULT_HISTORY = "^RUT"
CACHE_DIR = ".cache"  # under results/analogs/: walk-forward rows per data checksum and parameters


@dataclass(frozen=True)
class AnalogsResult:
    """Everything an analogs answer says; the CLI prints it, the page and the Python API read it."""

    symbol: str
    history: str
    requested_date: date | None
    snapshot: Snapshot  # the query's own table (readings, Final Call with its reasons)
    answer: AnalogAnswer
    score: MethodScore
    score_source: str  # "computed" or "cache <file>"
    data: dict  # provenance of the symbol's and the history's bars
    run_dir: Path | None
    # The symbol's bars up to the date (no later bar): the page's chart of the window leading to the close.
    bars: pd.DataFrame | None = None

    @property
    def bar_date(self) -> date:
        return self.answer.bar_date

    def to_dict(self) -> dict:
        from rtybt.engine.report.analogs.page import result_dict

        return result_dict(self)


def check_settings(k: int, horizon: int) -> None:
    if k < 1:
        raise UserError(f"--k {k}: the number of analogs must be at least 1")
    if horizon < 1:
        raise UserError(f"--horizon {horizon}: the forward window must be at least 1 session")


def _method_fingerprint(s: AnalogSettings) -> str:
    """Parameters and the source of the modules that compute the rows: a change in either is a new cache entry."""
    from rtybt.engine.analysis import indicators, target_first

    digest = hashlib.sha256(json.dumps(asdict(s), sort_keys=True).encode())
    for module in (analogs, analogs_score, indicators, target_first):
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()[:16]


def _read_rows(blob: bytes) -> pd.DataFrame:
    import io

    rows = pd.read_csv(io.BytesIO(blob))
    for col in ("date", "up_known_on", "target_known_on"):
        rows[col] = [date.fromisoformat(v) if isinstance(v, str) else None for v in rows[col]]
    return rows


def scored_rows(history: Bars, s: AnalogSettings, cache_root: Path | None) -> tuple[pd.DataFrame, str]:
    """The walk-forward rows of the whole history file, reused when its checksum and the method are unchanged.

    Every row is computed from bars up to its month-end and its outcome window, so an answer for a date
    keeps only the rows whose outcome was known before that date: the same rows a run on bars cut at the
    date would give. A cache entry is sealed with its inputs and a checksum of its rows (engine/core/verify.py):
    a truncated, edited or foreign entry is recomputed with a one-line note, never trusted.
    """
    from rtybt.engine.core.atomic import write_files_atomic
    from rtybt.engine.core.verify import code_version, open_bytes, refused, seal_bytes

    path = None
    inputs = {"history_sha256": history.sha256, "method": _method_fingerprint(s), "code_version": code_version()}
    if cache_root is not None:
        path = cache_root / f"walkforward-{history.sha256[:16]}-{inputs['method']}.csv"
        body = open_bytes(path, inputs, "analogs walk-forward cache")
        if body is not None:
            try:
                return _read_rows(body), f"cache {path.name}"
            except (ValueError, KeyError, TypeError, pd.errors.ParserError) as exc:
                refused(f"analogs walk-forward cache {path}", f"unreadable rows ({exc.__class__.__name__})")
    rows = walk_forward(history.frame, s)
    if path is not None:
        body = rows.to_csv(index=False, float_format="%.17g").encode()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_files_atomic({path: seal_bytes(body, inputs)})
        except OSError:
            return rows, "computed"  # a cache that cannot be written only costs time next run
        rows = _read_rows(body)  # as the next run will read them: a fresh answer and a cached one agree
    return rows, "computed"


def run_analogs(symbol: str = DEFAULT_HISTORY, on: str | date | None = None, history: str | None = None,
                k: int = 20, horizon: int = 60, data_dir: str | None = None, results_dir: str | Path | None = "results",
                write: bool = True, command_line: list[str] | None = None,
                on_stage: Stage | None = None) -> AnalogsResult:
    """The state of `symbol` at the close of `on`, its k nearest past states in `history`, what followed, the score.

    Bars are loaded and validated as `rtybt snapshot` loads them. Nothing after the date is read by the
    answer; the method's score keeps only month-ends whose outcome was known before the date. The
    walk-forward rows are cached under `results_dir`/analogs/.cache (None: no cache); the page, JSON
    and CSV are written only when `write`.
    """
    started = datetime.now(UTC)
    check_settings(k, horizon)
    history = history or DEFAULT_HISTORY
    s = AnalogSettings(k=k, horizon=horizon)
    taken = take_snapshot(symbol, on, data_dir, peers="", on_stage=on_stage)
    snap, bars = taken.snapshot, taken.bars
    if history == symbol:
        hist = bars
    else:
        from rtybt.engine.config import ValidationPolicy

        directory, source = resolve_data_dir(data_dir, symbol=history)
        hist = load_bars(history, directory, ValidationPolicy(), source_hint=source, key="--history")
    pos, _ = locate_bar(bars.frame.index, snap.bar_date, bars.path.name)
    announce(on_stage, "nearest past states")
    answer = find_analogs(hist.frame, bars.frame["close"].iloc[: pos + 1], s, source=bars.path.name)
    cache = Path(results_dir) / "analogs" / CACHE_DIR if results_dir is not None else None
    announce(on_stage, "walk-forward score")
    rows, source = scored_rows(hist, s, cache)
    method_score = score(rows, history, s, before=answer.bar_date)
    data = {"symbol": data_provenance(bars), "history": data_provenance(hist)}
    result = AnalogsResult(symbol, history, snap.requested_date, snap, answer, method_score, source, data, None,
                           bars.frame.iloc[: pos + 1])
    if not write or results_dir is None:
        return result
    from rtybt.engine.report.analogs.page import write_result
    from rtybt.engine.results.provenance import parameters_record

    parameters = {"symbol": symbol, "date": str(answer.bar_date), "history": history, **asdict(s)}
    inputs = [parameters_record("analogs", parameters, [("traded", bars), ("history", hist)])]
    return replace(result, run_dir=write_result(result, Path(results_dir), started, command_line, inputs))
