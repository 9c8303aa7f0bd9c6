"""The `rtybt snapshot` flow: symbol + date -> validated bars -> the note's table. One call, no printing."""

from __future__ import annotations

from datetime import date

from engine.analysis.snapshot import Snapshot, SnapshotSettings, compute_snapshot
from engine.data import Bars, load_bars, resolve_data_dir
from engine.errors import UserError


def parse_date(text: str | date | None) -> date | None:
    if text is None or isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"--date: {text!r} is not a date (expected YYYY-MM-DD, e.g. 2025-05-08)") from None


def take_snapshot(
    symbol: str, on: str | date | None = None, data_dir: str | None = None, settings: SnapshotSettings | None = None,
) -> tuple[Snapshot, Bars]:
    """Bars are loaded whole, under the same default validation policy as `rtybt run`, then cut at `on`."""
    from engine.config import ValidationPolicy

    on = parse_date(on)
    directory, source = resolve_data_dir(data_dir)
    bars = load_bars(symbol, directory, ValidationPolicy(), source_hint=source)
    return compute_snapshot(bars.frame, symbol, on, settings, source=bars.path.name), bars
