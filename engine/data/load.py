"""Load one symbol's daily bars from its CSV: columns by name, validated, fingerprinted."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data.locate import offline, resolve_data_dir, symbol_file
from engine.data.validate import ValidationReport, apply_policy, find_problems
from engine.errors import DataError

REQUIRED = ["date", "open", "high", "low", "close", "volume"]
DATE_ALIASES = ("date", "datetime", "timestamp")
FROZEN_ON = re.compile(r"frozen on (\d{4}-\d{2}-\d{2})")


@dataclass
class Bars:
    """Validated daily bars for one symbol: float64 OHLCV on a naive, sorted DatetimeIndex."""

    symbol: str
    path: Path
    frame: pd.DataFrame
    sha256: str
    report: ValidationReport
    checksum_status: str

    @property
    def first_date(self) -> date:
        return self.frame.index[0].date()

    @property
    def last_date(self) -> date:
        return self.frame.index[-1].date()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _published_checksum(path: Path) -> str | None:
    sums = path.parent / "SHA256SUMS"
    if not sums.is_file():
        return None
    for line in sums.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("*") == path.name:
            return parts[0].lower()
    return None


def _as_of_date(path: Path) -> date | None:
    """The day the file was downloaded, if known: a bar on that day is an intraday snapshot."""
    meta = path.with_name(path.name + ".meta.json")
    if meta.is_file():
        try:
            return date.fromisoformat(json.loads(meta.read_text())["fetched_at"][:10])
        except (ValueError, KeyError, TypeError):
            return None
    readme = path.parent / "README.md"
    if readme.is_file():
        match = FROZEN_ON.search(readme.read_text(errors="replace"))
        if match:
            return date.fromisoformat(match.group(1))
    return None


def _line_numbers(path: Path, rows: int) -> np.ndarray:
    """Each row's line as a user sees it in an editor (the header is line 1; blank lines count).

    pandas skips blank lines, so a row's position is not its line once the file has one.
    """
    with path.open("rb") as fh:
        filled = [n for n, line in enumerate(fh, start=1) if line.strip()]
    if len(filled) - 1 == rows:
        return np.array(filled[1:], dtype=np.int64)
    return np.arange(2, rows + 2)  # quoted line breaks or the like: fall back to row order


def read_csv(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Parse a bars CSV -> (numeric frame, raw text frame, CSV line numbers); structural problems raise."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: file is empty (expected a header Date,Open,High,Low,Close,Volume and rows)") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise DataError(f"{path}: not a readable CSV ({first})") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from None
    by_name = {str(c).strip().lower(): c for c in raw.columns}
    date_col = next((by_name[a] for a in DATE_ALIASES if a in by_name), None)
    missing = [c for c in REQUIRED[1:] if c not in by_name]
    if date_col is None:
        missing.insert(0, "date")
    if missing:
        have = ", ".join(str(c) for c in raw.columns) or "none"
        raise DataError(f"{path}: missing column(s) {', '.join(m.capitalize() for m in missing)} (columns found: {have})")
    if len(raw) == 0:
        raise DataError(f"{path}: header only, no rows of bars")
    text = raw[[by_name[c] for c in REQUIRED[1:]]].copy()
    text.columns = REQUIRED[1:]
    lines = _line_numbers(path, len(raw))
    dates = pd.to_datetime(raw[date_col].str.strip(), errors="coerce", format="mixed")
    bad = np.flatnonzero(dates.isna().to_numpy())
    if len(bad):
        i = bad[0]
        raise DataError(f"{path}: line {lines[i]}: cannot read date {raw[date_col].iloc[i]!r} in column {date_col}")
    index = pd.DatetimeIndex(dates)
    if index.tz is not None:
        # Daily bars: drop the zone, keep the calendar date (Backtrader would shift it to UTC).
        index = index.tz_localize(None)
    index = index.normalize()
    numeric = text.apply(lambda s: pd.to_numeric(s.str.strip(), errors="coerce")).astype("float64")
    numeric.index = index
    numeric.index.name = "date"
    return numeric, text, lines


def load_bars(
    symbol: str,
    data_dir: str | Path | None = None,
    policy=None,
    start: date | None = None,
    end: date | None = None,
    source_hint: str = "",
    allow_download: bool = True,
    key: str = "data.symbol",
) -> Bars:
    """Find `symbol` in the data directory (downloading it if missing and online), validate, slice."""
    from engine.config import ValidationPolicy

    policy = policy or ValidationPolicy()
    data_dir = Path(data_dir) if data_dir else resolve_data_dir(symbol=symbol)[0]
    try:
        path = symbol_file(data_dir, symbol)
    except ValueError as exc:
        raise DataError(f"{key}: {exc}") from None
    if not path.is_file():
        path = _obtain(symbol, data_dir, path, allow_download, source_hint, key)
    frame, text, lines = read_csv(path)

    checksum = sha256_file(path)
    published = _published_checksum(path)
    if published is None:
        checksum_status = "no published checksum"
    elif published == checksum:
        checksum_status = "matches SHA256SUMS"
    else:
        checksum_status = "DIFFERS from SHA256SUMS"

    if start is not None or end is not None:
        lo = pd.Timestamp(start) if start else frame.index.min()
        hi = pd.Timestamp(end) if end else frame.index.max()
        mask = np.asarray((frame.index >= lo) & (frame.index <= hi))
        if not mask.any():
            raise DataError(
                f"{path}: no bars between {start or 'the start'} and {end or 'the end'} "
                f"(data.start/data.end; the file covers {frame.index.min().date()} to {frame.index.max().date()})"
            )
        frame, text, lines = frame[mask], text[mask], lines[mask]

    volume = frame["volume"].to_numpy()
    all_zero_volume = bool(len(volume)) and bool(np.all(volume == 0))
    found = find_problems(frame, lines, text, policy.max_gap_days, _as_of_date(path), all_zero_volume)
    report = ValidationReport(source=str(path), rows_read=len(frame))
    if all_zero_volume:
        report.notes.append("Volume is 0 on every row: a series without volume (zero-volume check skipped)")
    if checksum_status.startswith("DIFFERS"):
        report.notes.append(f"checksum {checksum[:12]}… differs from the one in SHA256SUMS: not the frozen snapshot")
    frame, lines = apply_policy(frame, lines, found, policy, str(path), report)
    report.rows_kept = len(frame)
    if len(frame) < 2:
        raise DataError(f"{path}: only {len(frame)} usable bar(s) after validation; need at least 2")
    return Bars(symbol, path, frame, checksum, report, checksum_status)


def _obtain(symbol: str, data_dir: Path, path: Path, allow_download: bool, source_hint: str,
            key: str = "data.symbol") -> Path:
    hint = f" (data directory from {source_hint})" if source_hint else ""
    how = (
        f"put a CSV with columns Date,Open,High,Low,Close,Volume at {path}, "
        f"or point --data-dir / RTYBT_DATA_DIR at a folder holding {path.name}"
    )
    if not allow_download or offline():
        raise DataError(f"{key} {symbol}: no bars: {path.name} not found in {data_dir}{hint}, offline; {how}")
    from engine.data.fetch import fetch_symbol

    try:
        return fetch_symbol(symbol, data_dir)
    except DataError as exc:
        raise DataError(f"{key} {symbol}: no bars: {path.name} not found in {data_dir}{hint} and {exc}; {how}") from None
