"""Load one symbol's daily bars from its CSV: columns by name, validated, fingerprinted."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from rtybt.engine.core.errors import DataError
from rtybt.engine.data.locate import offline, resolve_data_dir, similar_symbol, symbol_file
from rtybt.engine.data.validate import (
    ValidationReport,
    apply_policy,
    check_plausible,
    find_problems,
)

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


# Bounds checked on the bytes before pandas sees them (a daily-bar file of a century is ~3 MB with ~60-byte rows):
# a file of NUL bytes, /dev/zero behind a symlink or a pasted binary ends in one line, not in MemoryError.
MAX_CSV_BYTES = 64 * 1024 * 1024
MAX_LINE_BYTES = 4096
# An offset after a time of day: "2020-03-09 00:00:00-04:00", "2020-03-09T00:00:00Z". Daily bars keep the
# calendar date as written; offsets that change with daylight saving would otherwise be "mixed time zones".
_ZONE = re.compile(r"^(.*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
# Numeric dates with the day and the month in either order: 03/04/2020, 13.01.2020, 1-2-20.
_DMY = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(\s.*)?$")
# A plain calendar date, the form every bundled and downloaded file uses.
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_bounded(path: Path) -> bytes:
    """The file's bytes, refused before parsing when too large, binary (NUL bytes) or with an overlong line."""
    limit = f"{MAX_CSV_BYTES // 2**20} MiB" if MAX_CSV_BYTES % 2**20 == 0 else f"{MAX_CSV_BYTES:,} bytes"
    too_large = DataError(f"{path}: larger than {limit} (the limit for a daily-bar CSV)")
    try:
        with path.open("rb") as fh:
            # A regular file's size is known without reading it (a 2 GB file is refused at once); a device or
            # a pipe is read up to the limit.
            if os.fstat(fh.fileno()).st_size > MAX_CSV_BYTES:
                raise too_large
            blob = fh.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc.__class__.__name__})") from None
    if len(blob) > MAX_CSV_BYTES:
        raise too_large
    nul = blob.find(b"\0")
    if nul >= 0:
        line = blob.count(b"\n", 0, nul) + 1
        raise DataError(f"{path}: line {line}: NUL byte: a binary file, not a CSV of bars")
    lines = blob.split(b"\n")
    if max(map(len, lines)) > MAX_LINE_BYTES:
        first = next(i for i, line in enumerate(lines, start=1) if len(line) > MAX_LINE_BYTES)
        raise DataError(f"{path}: line {first}: longer than {MAX_LINE_BYTES} bytes (the limit for a row of bars)")
    return blob


def _line_numbers(blob: bytes, rows: int) -> np.ndarray:
    """Each row's line as a user sees it in an editor (the header is line 1; blank lines count).

    pandas skips blank lines, so a row's position is not its line once the file has one.
    """
    filled = [n for n, line in enumerate(blob.split(b"\n"), start=1) if line.strip()]
    if len(filled) - 1 == rows:
        return np.array(filled[1:], dtype=np.int64)
    return np.arange(2, rows + 2)  # quoted line breaks or the like: fall back to row order


def _day_month_order(texts: pd.Series, lines: np.ndarray, path: Path, column: str) -> pd.Series:
    """Numeric day/month dates rewritten as ISO once the file itself shows the order (a day above 12);
    a file that never shows it, or shows both, is refused: pandas would read 03/04 as March and 13/04 as
    April 13th in the same column without a word."""
    parts = texts.str.extract(_DMY)
    found = parts[0].notna().to_numpy()
    if not found.any():
        return texts
    rows = np.flatnonzero(found)
    first, second, year = (parts[k].to_numpy()[rows] for k in (0, 2, 3))
    short = [i for i, y in zip(rows, year, strict=True) if len(y) == 2]
    if short:
        i = short[0]
        raise DataError(f"{path}: line {lines[i]}: date {texts.iloc[i]!r} in column {column} has a two-digit "
                        "year; write dates as YYYY-MM-DD")
    day_first = [i for i, a in zip(rows, first, strict=True) if int(a) > 12]
    month_first = [i for i, b in zip(rows, second, strict=True) if int(b) > 12]
    if day_first and month_first:
        i, j = sorted([day_first[0], month_first[0]])
        raise DataError(f"{path}: line {lines[j]}: date {texts.iloc[j]!r} in column {column} puts the day and "
                        f"month in the other order than line {lines[i]} ({texts.iloc[i]!r}); "
                        "write dates as YYYY-MM-DD")
    if not day_first and not month_first:
        i = rows[0]
        raise DataError(f"{path}: line {lines[i]}: date {texts.iloc[i]!r} in column {column} could be day-first "
                        "or month-first (no day above 12 in the file tells); write dates as YYYY-MM-DD")
    day, month = (parts[0], parts[2]) if day_first else (parts[2], parts[0])
    iso = parts[3] + "-" + month.str.zfill(2) + "-" + day.str.zfill(2) + parts[4].fillna("")
    return texts.where(~found, iso)


def parse_dates(texts: pd.Series, lines: np.ndarray, path: Path, column: str) -> pd.DatetimeIndex:
    """Calendar dates of a bars file: time-zone offsets dropped (the date as written), the day/month order
    read from the file, and anything unreadable refused with its CSV line."""
    # Each distinct text is parsed once: intraday files repeat a date hundreds of times, and the string work
    # below is the slowest step of a load (a 1M-row file holds at most a few thousand distinct dates).
    codes, uniques = pd.factorize(texts, sort=False)
    if len(uniques) < len(texts):
        firsts = np.unique(codes, return_index=True)[1]  # the first row holding each distinct text
        distinct = _parse_distinct(pd.Series(np.asarray(uniques, dtype=object)), lines[firsts], path, column)
        return pd.DatetimeIndex(distinct.values.take(codes))
    return _parse_distinct(texts, lines, path, column)


def _parse_distinct(texts: pd.Series, lines: np.ndarray, path: Path, column: str) -> pd.DatetimeIndex:
    texts = texts.str.strip()
    if texts.str.fullmatch(_ISO_DAY).all():
        # Every date already YYYY-MM-DD (the snapshot's and a download's form): one exact-format parse, a
        # fifth of the general path's time. A date that does not exist (2021-02-30) takes the general path,
        # which names its line.
        dates = pd.to_datetime(texts, format="%Y-%m-%d", errors="coerce")
        if not dates.isna().any():
            return pd.DatetimeIndex(dates).normalize()  # as the general path returns it (freq included)
    texts = texts.str.replace(_ZONE, r"\1", regex=True)
    texts = _day_month_order(texts, lines, path, column)
    try:
        dates = pd.to_datetime(texts, errors="coerce", format="mixed")
    except (ValueError, OverflowError, TypeError) as exc:  # mixed zones pandas cannot coerce, and the like
        raise DataError(f"{path}: column {column}: cannot read the dates ({str(exc).splitlines()[0]})") from None
    bad = np.flatnonzero(dates.isna().to_numpy())
    if len(bad):
        i = bad[0]
        raise DataError(f"{path}: line {lines[i]}: cannot read date {texts.iloc[i]!r} in column {column}")
    index = pd.DatetimeIndex(dates)
    if index.tz is not None:
        # Daily bars: drop the zone, keep the calendar date (Backtrader would shift it to UTC).
        index = index.tz_localize(None)
    return index.normalize()


def _to_number(texts: pd.Series) -> pd.Series:
    """Numbers of a column; only the cells that do not read as they are get stripped and read again."""
    values = pd.to_numeric(texts, errors="coerce")
    retry = values.isna().to_numpy().copy()
    if retry.any():  # string work only on the cells that did not read (a clean file has none)
        retry[retry] = texts[retry].str.len().to_numpy() > 0
    if retry.any():
        values = values.astype("float64")
        values[retry] = pd.to_numeric(texts[retry].str.strip(), errors="coerce")
    return values


def read_csv(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Parse a bars CSV -> (numeric frame, raw text frame, CSV line numbers); structural problems raise."""
    return parse_csv(path, read_bounded(path))


def parse_csv(path: Path, blob: bytes) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """`read_csv` on bytes already read: the caller hashes the very bytes parsed (`path` names them in errors)."""
    try:
        raw = pd.read_csv(io.BytesIO(blob), dtype=str, keep_default_na=False, skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: file is empty (expected a header Date,Open,High,Low,Close,Volume and rows)") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise DataError(f"{path}: not a readable CSV ({first})") from None
    by_name = {str(c).strip().lower(): c for c in raw.columns}
    date_col = next((by_name[a] for a in DATE_ALIASES if a in by_name), None)
    missing = [c for c in REQUIRED[1:] if c not in by_name]
    if date_col is None:
        missing.insert(0, "date")
    if missing:
        names = [str(c) if len(str(c)) <= 30 else str(c)[:30] + "..." for c in raw.columns[:12]]
        have = ", ".join(names) + (f" and {len(raw.columns) - 12} more" if len(raw.columns) > 12 else "")
        raise DataError(f"{path}: missing column(s) {', '.join(m.capitalize() for m in missing)} "
                        f"(columns found: {have or 'none'})")
    if len(raw) == 0:
        raise DataError(f"{path}: header only, no rows of bars")
    text = raw[[by_name[c] for c in REQUIRED[1:]]].copy()
    text.columns = REQUIRED[1:]
    lines = _line_numbers(blob, len(raw))
    index = parse_dates(raw[date_col], lines, path, date_col)
    numeric = text.apply(_to_number).astype("float64")
    numeric.index = index
    numeric.index.name = "date"
    check_plausible(numeric, lines, str(path))
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
    from rtybt.engine.config import ValidationPolicy

    policy = policy or ValidationPolicy()
    data_dir = Path(data_dir) if data_dir else resolve_data_dir(symbol=symbol)[0]
    try:
        path = symbol_file(data_dir, symbol)
    except ValueError as exc:
        raise DataError(f"{key}: {exc}" if key else str(exc)) from None
    if path.exists() and not path.is_file():  # a folder, a device (/dev/zero behind a symlink), a FIFO
        raise DataError(f"{path}: not a regular file ({key} {symbol})")
    if not path.is_file():
        path = _obtain(symbol, data_dir, path, allow_download, source_hint, key)
    # Read once, hash those bytes, parse those bytes: a file replaced while a command runs cannot make the
    # manifest (or a store keyed by this checksum) name other bytes than the ones the backtest used.
    blob = read_bounded(path)
    checksum = hashlib.sha256(blob).hexdigest()
    frame, text, lines = parse_csv(path, blob)
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
    """The file, downloaded when it is missing and downloads are allowed; else a two-line DataError: what is
    missing (with a close symbol whose bars are at hand: RUT -> ^RUT), then how to fix it."""
    if allow_download and not offline():
        from rtybt.engine.data.fetch import fetch_symbol

        try:
            return fetch_symbol(symbol, data_dir)
        except DataError as exc:
            reason = f" and {exc}"
    else:
        reason = ", offline"
    hint = f" (data directory from {source_hint})" if source_hint else ""
    near = similar_symbol(symbol, data_dir)
    what = f"{key} {symbol}" if key else symbol
    raise DataError(
        f"{what}: no bars: {path.name} not found in {data_dir}{hint}{reason}"
        + (f" (did you mean {near}?)" if near else ""),
        fix=(f"use {near}, or " if near else "") + f"put {path.name} (Date,Open,High,Low,Close,Volume) in that "
        "folder or in one named by --data-dir / RTYBT_DATA_DIR",
    ) from None
