"""Commands stage: `rtybt note NOTE.yaml`: a note file -> bars -> every claim tested (on the executors) -> note.html."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from rtybt.engine.analysis.note.claims import (
    ClaimVerdict,
    NoteRegime,
    Piece,
    analog_piece,
    judge,
    market_piece,
    note_regime,
)
from rtybt.engine.analysis.note.events import Scale
from rtybt.engine.analysis.note.model import NoteFile, load_note
from rtybt.engine.analysis.note.setup import atr, condition_text, setup_masks
from rtybt.engine.core.errors import ConfigError, DataError
from rtybt.engine.core.progress import Stage, announce
from rtybt.engine.data import Bars, load_bars, resolve_data_dir

LEVEL_SLACK = 1.5  # engine.run.preflight's: a level no bar comes near is from another era or instrument


@dataclass(frozen=True)
class Reading:
    """One of the note's readings beside the bars' own on its date."""

    name: str
    note: float | None
    instrument: float
    history: float | None
    why: str


@dataclass
class NoteResult:
    """Everything `rtybt note` says; the CLI prints its claims table, the page and the Python API read it."""

    path: Path
    note: NoteFile
    bar_date: date
    verdicts: list[ClaimVerdict]
    readings: list[Reading]
    setup_on_date: list[tuple[str, bool, bool | None]]  # condition, on the instrument, on the history
    scale: Scale
    regime: NoteRegime
    setups: dict[str, int]  # market -> setup days
    analogs: object | None  # engine.commands.analogs.AnalogsResult
    missing: dict[str, str]
    bars: dict[str, Bars]
    supporting: list[dict] = field(default_factory=list)  # per config: name, tearsheet run dir, study run dir, how
    run_dir: Path | None = None

    @property
    def history_symbol(self) -> str:
        return self.note.instrument.history_symbol

    def table(self) -> pd.DataFrame:
        from rtybt.engine.report.note.numbers import claims_frame

        return claims_frame(self)


def _load(symbol: str, data_dir: str | None, key: str) -> Bars:
    from rtybt.engine.config import ValidationPolicy

    directory, source = resolve_data_dir(data_dir, symbol=symbol)
    return load_bars(symbol, directory, ValidationPolicy(), source_hint=source, key=key)


def load_note_bars(note: NoteFile, data_dir: str | None, source: str) -> tuple[dict[str, Bars], dict[str, str]]:
    """The instrument's and the history's bars (required); markets, peers and the VIX when found (else: why not)."""
    bars, missing = {}, {}
    inst = note.instrument
    for symbol, key in ((inst.symbol, "instrument.symbol"), (inst.history_symbol, "instrument.history")):
        if symbol not in bars:
            try:
                bars[symbol] = _load(symbol, data_dir, key)
            except DataError as exc:
                raise DataError(f"{source}: {exc}") from None
    optional = [*note.markets, *[c.peer for c in note.claims if c.kind == "relative"], note.vix_symbol]
    for symbol in dict.fromkeys(optional):
        if symbol in bars:
            continue
        try:
            bars[symbol] = _load(symbol, data_dir, "symbol")
        except DataError as exc:
            missing[symbol] = str(exc)
    return bars, missing


def check_levels(note: NoteFile, frame: pd.DataFrame, source: str) -> None:
    """Every absolute price of the note must lie near the instrument's prices of its validity window."""
    if note.levels is None:
        return
    window = frame.loc[pd.Timestamp(note.levels.valid_from): pd.Timestamp(note.levels.valid_to)]
    if window.empty:
        raise ConfigError(f"{source}: levels: no bar of {note.instrument.symbol} between valid_from "
                          f"{note.levels.valid_from} and valid_to {note.levels.valid_to}")
    low, high = float(window["low"].min()), float(window["high"].max())
    named = [(f"levels.table.{i}.{'band' if lv.band else 'price'}", [lv.low, lv.high])
             for i, lv in enumerate(note.levels.table)]
    named += [(f"claims.{i}", c.absolute_prices()) for i, c in enumerate(note.claims)]
    for key, prices in named:
        for price in prices:
            if not low / LEVEL_SLACK <= price <= high * LEVEL_SLACK:
                raise ConfigError(
                    f"{source}: {key}: level {price:g} has no bars in range: {note.instrument.symbol} from "
                    f"{window.index[0].date()} to {window.index[-1].date()} spans {low:.6g} to {high:.6g}; "
                    "check the level, the symbol and levels.valid_from/valid_to")


def _bar(frame: pd.DataFrame, on: date, source: str) -> int:
    from rtybt.engine.analysis.note.snapshot import locate_bar

    return locate_bar(frame.index, on, source)[0]


def read_readings(note: NoteFile, inst: pd.DataFrame, hist: pd.DataFrame | None, on: date) -> list[Reading]:
    """The note's price, MAs and RSI beside the instrument's and the history's on the date's close."""
    from rtybt.engine.analysis.indicators import sma, wilder_rsi

    i = int(inst.index.get_indexer([pd.Timestamp(on)])[0])
    j = int(hist.index.searchsorted(pd.Timestamp(on), side="right")) - 1 if hist is not None else -1
    hist_close = hist["close"].to_numpy(dtype=float) if hist is not None and j >= 0 else None
    close = inst["close"].to_numpy(dtype=float)
    basis = f" {note.instrument.symbol} is the traded contract and {note.instrument.history_symbol} the series " \
            "standing for it: their prices differ by the basis (carry and dividends), which moves every level" \
            if hist_close is not None and note.instrument.history_symbol != note.instrument.symbol else ""
    rows = [Reading("price", note.readings.price, float(close[i]),
                    float(hist_close[j]) if hist_close is not None else None,
                    "the bars hold closes; a note usually quotes a price during the session." + basis)]
    for ma in note.readings.moving_averages:
        rows.append(Reading(f"{ma.period}-day MA", ma.value, float(sma(close, ma.period)[i]),
                            float(sma(hist_close, ma.period)[j]) if hist_close is not None else None,
                            "a simple mean of closes; a chart may average other prices or include the live one."))
    rsi = note.readings.rsi
    period = rsi.period if rsi else 14
    rows.append(Reading(f"RSI({period})", rsi.value if rsi else None, float(wilder_rsi(close, period)[i]),
                        float(wilder_rsi(hist_close, period)[j]) if hist_close is not None else None,
                        "Wilder's RSI of closes; an intraday price moves it by a few points."))
    return rows


def note_scale(inst: pd.DataFrame, i: int) -> Scale:
    value = float(atr(inst)[i])
    if not np.isfinite(value) or value <= 0:
        raise DataError(f"{inst.index[i].date()}: no ATR on the note's date (too few bars before it)")
    return Scale(float(inst["close"].iloc[i]), value)


def _market_task(args) -> Piece:
    note, symbol, frame, peers, scale = args
    return market_piece(note, symbol, frame, peers, scale)


def _analogs_task(args):
    note, on, data_dir, results_dir, write, hist_frame, peers, scale = args
    from rtybt.engine.commands.analogs import run_analogs

    inst = note.instrument
    result = run_analogs(inst.symbol, on, inst.history_symbol, data_dir=data_dir, results_dir=results_dir,
                         write=write)
    return result, analog_piece(note, hist_frame, [a.date for a in result.answer.analogs], peers, scale)


def stored_study(parent: Path, config_hash: str) -> Path | None:
    """The newest study under results/<name>-study/ whose traded market's config has this hash, its files verified."""
    from rtybt.engine.core.errors import ResultsError
    from rtybt.engine.results.provenance import read_manifest, verify_files

    if not parent.is_dir():
        return None
    for manifest_path in sorted(parent.glob("*/manifest.json"), reverse=True):
        try:
            manifest = read_manifest(manifest_path.parent)
            if manifest.get("command") == "study" and manifest["inputs"][0].get("config_hash") == config_hash:
                verify_files(manifest_path.parent, manifest)
                return manifest_path.parent
        except ResultsError:
            continue  # a changed or foreign study is never linked
    return None


def _supporting_task(args) -> dict:
    """A supporting config's tearsheet (its stored run when config hash, data and strategy source match, else a run
    now) and its stored study, if any."""
    config_path, data_dir, results_dir, write = args
    from rtybt.engine.commands.run import execute_run
    from rtybt.engine.config import load_config
    from rtybt.engine.data import load_run_bars
    from rtybt.engine.results.provenance import input_record
    from rtybt.engine.results.reuse import find_reusable_run

    config = load_config(config_path)
    root = Path(results_dir) if results_dir is not None else None
    out = {"config": str(config_path), "name": config.name, "tearsheet": None, "study": None, "how": "reused"}
    if root is None:
        return out | {"how": "not written"}
    bars, bench = load_run_bars(config, data_dir)
    dates = pd.DatetimeIndex(bars.frame.index).strftime("%Y-%m-%d").tolist()  # vectorised: same text
    stored = find_reusable_run(root / config.name, input_record(config_path, config, bars, bench), dates)
    if stored is None and write:
        stored, out["how"] = execute_run(config_path, data_dir=data_dir, results_dir=str(root)).run_dir, "run now"
    out["tearsheet"] = str(stored) if stored else None
    study = stored_study(root / f"{config.name}-study", config.config_hash())
    out["study"] = str(study) if study else None
    return out


TASKS = {"market": _market_task, "analogs": _analogs_task, "supporting": _supporting_task}


def _run(task):
    kind, args = task
    key = args[1] if kind == "market" else f"supporting:{args[0]}" if kind == "supporting" else kind
    return kind, key, TASKS[kind](args)


def compute_pieces(tasks: list, workers: int) -> dict:
    """Each independent piece, on the local process pool when `workers` > 1 (engine.core.pool), else in
    process; the results are keyed, so the order they finish in changes nothing."""
    if workers <= 1 or len(tasks) <= 1:
        return {key: value for _, key, value in map(_run, tasks)}
    from rtybt.engine.core.pool import as_finished, ignore_ctrl_c, make_pool

    pool = make_pool(min(workers, len(tasks)), initializer=ignore_ctrl_c,
                     preload=["rtybt.engine.analysis.note.claims", "rtybt.engine.commands.analogs"])
    return {key: value for _, key, value in as_finished(pool, _run, tasks)}


def run_note(path: str | Path, data_dir: str | None = None, results_dir: str | Path | None = "results",
             workers: int = 1, write: bool = True, analogs: bool = True, command_line: list[str] | None = None,
             on_stage: Stage | None = None) -> NoteResult:
    """Test every claim of the note file at `path`; write results/note/<stem>-<run id>/ when `write`.

    `workers` > 1 computes the markets and the analogs on the local process pool, with the same result.
    `analogs=False` leaves the analogs scope out (it needs the walk-forward, cached under results/analogs/).
    """
    started = datetime.now(UTC)
    path = Path(path)
    source = str(path)
    try:
        note = load_note(path)
    except ConfigError as exc:
        # The config reader's words, said of a note file.
        raise ConfigError(str(exc).replace(": config file not found", ": note file not found").replace(
            ": config is empty (expected a mapping with at least `strategy:`)", ": note file is empty")) from None
    if write and results_dir is not None:
        from rtybt.engine.results import check_writable

        check_writable(Path(results_dir))  # before the work, not after it
    announce(on_stage, "loading data")
    bars, missing = load_note_bars(note, data_dir, source)
    inst = note.instrument
    inst_frame = bars[inst.symbol].frame
    i = _bar(inst_frame, note.date, f"{source}: date")
    bar_date = inst_frame.index[i].date()
    if bar_date != note.date:
        raise ConfigError(f"{source}: date: {note.date} is not a trading day of {inst.symbol} (the last bar before "
                          f"it is {bar_date}); give the date of the close the note read")
    check_levels(note, inst_frame, source)
    hist_frame = bars[inst.history_symbol].frame
    scale = note_scale(inst_frame, i)
    frames = {s: b.frame for s, b in bars.items()}
    peers = {c.peer: frames[c.peer] for c in note.claims if c.kind == "relative" and c.peer in frames}
    markets = [m for m in note.markets if m in frames]
    symbols = list(dict.fromkeys([inst.history_symbol, *markets]))
    tasks = [("market", (note, s, frames[s], peers, scale)) for s in symbols]
    if analogs:
        tasks.append(("analogs", (note, note.date, data_dir, None if results_dir is None else str(results_dir),
                                  write and results_dir is not None, hist_frame, peers, scale)))
    # The supporting pages are links of the page: only looked for (or run) when the page is written.
    supporting = [note.supporting_path(c, path) for c in note.supporting] if write and results_dir is not None else []
    from rtybt.engine.config import load_config

    for config_path in supporting:
        load_config(config_path)  # a bad supporting config fails before any work
        tasks.append(("supporting", (str(config_path), data_dir, None if results_dir is None else str(results_dir),
                                     write)))
    announce(on_stage, "testing the claims")
    done = compute_pieces(tasks, workers)
    pieces = {s: done[s] for s in symbols}
    analogs_result, analogs_piece = done.get("analogs", (None, None))
    vix = frames.get(note.vix_symbol)
    regime = note_regime(hist_frame, None if vix is None else vix["close"], note.date)
    announce(on_stage, "judging")
    verdicts = judge(note, inst.history_symbol, pieces, analogs_piece, hist_frame,
                     None if vix is None else vix["close"], regime, missing)
    masks_inst = setup_masks(inst_frame.iloc[: i + 1], note.setup.conditions)
    j = int(hist_frame.index.searchsorted(pd.Timestamp(note.date), side="right")) - 1
    masks_hist = setup_masks(hist_frame.iloc[: j + 1], note.setup.conditions) if j >= 0 else None
    on_date = [(condition_text(c), bool(masks_inst[k][-1]), bool(masks_hist[k][-1]) if masks_hist else None)
               for k, c in enumerate(note.setup.conditions)]
    result = NoteResult(path, note, bar_date, verdicts, read_readings(note, inst_frame, hist_frame, note.date),
                        on_date, scale, regime, {s: len(p.events) for s, p in pieces.items()}, analogs_result,
                        missing, bars, [done[f"supporting:{c}"] for c in supporting])
    if not write or results_dir is None:
        return result
    announce(on_stage, "writing the page")
    from rtybt.engine.report.note.page import write_note

    return replace(result, run_dir=write_note(result, Path(results_dir), started, command_line))
