"""Commands stage: `rtybt snapshot`: symbol + date -> validated bars -> the note's table. One call, no printing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from rtybt.engine.analysis.note.snapshot import (
    Snapshot,
    SnapshotSettings,
    compute_snapshot,
    locate_bar,
)
from rtybt.engine.core.errors import DataError, UserError
from rtybt.engine.core.progress import Stage, announce
from rtybt.engine.data import Bars, load_bars, resolve_data_dir


def parse_date(text: str | date | None) -> date | None:
    if text is None or isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"--date: {text!r} is not a date (expected YYYY-MM-DD, e.g. 2025-05-08)") from None


DEFAULT_PEERS = ("SPY", "QQQ")  # the note's "lagged Nasdaq and S&P 500"


def parse_peers(text: str | None) -> list[str] | None:
    """None -> the defaults (if their files are present); '' -> no peers; 'SPY,QQQ' -> exactly those."""
    if text is None:
        return None
    return [p.strip() for p in text.split(",") if p.strip()]


@dataclass
class SnapshotRun:
    """The note's table for one date and the bars it was read from."""

    snapshot: Snapshot
    bars: Bars


def take_snapshot(
    symbol: str, on: str | date | None = None, data_dir: str | None = None, settings: SnapshotSettings | None = None,
    peers: str | list[str] | None = None, on_stage: Stage | None = None,
) -> SnapshotRun:
    """Bars are loaded whole, under the same default validation policy as `rtybt run`, then cut at `on`.

    Peers named explicitly must be found (or downloaded); the default peers are used only when their
    files are already in the data directory, so a plain snapshot never needs more than one file.
    """
    from rtybt.engine.config import ValidationPolicy
    from rtybt.engine.data.locate import symbol_file

    on = parse_date(on)
    announce(on_stage, "loading data")
    directory, source = resolve_data_dir(data_dir, symbol=symbol)
    bars = load_bars(symbol, directory, ValidationPolicy(), source_hint=source, key="--symbol")
    locate_bar(bars.frame.index, on, bars.path.name)  # a date outside the data fails before peers are read
    names = parse_peers(peers) if isinstance(peers, str) or peers is None else list(peers)
    if names is None:
        names = [p for p in DEFAULT_PEERS if symbol_file(directory, p).is_file()]
    peer_frames = {}
    for name in names:
        if name == symbol:
            continue
        try:
            peer_frames[name] = load_bars(name, directory, ValidationPolicy(), source_hint=source, key="symbol").frame
        except DataError as exc:
            raise DataError(f"--peers {name}: {exc}") from None
    announce(on_stage, "indicators, levels and checklists")
    snap = compute_snapshot(bars.frame, symbol, on, settings, source=bars.path.name, peer_frames=peer_frames)
    return SnapshotRun(replace(snap, data=data_provenance(bars)), bars)


def data_provenance(bars: Bars) -> dict:
    """Which file, which checksum, and what validation reported or dropped: never a silent repair."""
    report = bars.report
    return {
        "file": str(bars.path),
        "sha256": bars.sha256,
        "checksum": bars.checksum_status,
        "rows_read": report.rows_read,
        "rows_kept": report.rows_kept,
        "dropped": [f"{f.date} (line {f.line}: {f.detail})" for f in report.dropped],
        "warnings": {c.name: len(c.findings) for c in report.checks if c.action == "warn" and c.findings},
    }
