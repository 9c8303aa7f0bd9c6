"""Validation of daily bars: find every problem, apply the configured policy, never repair silently."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd

from rtybt.engine.core.errors import DataError

PRICES = ["open", "high", "low", "close"]
# Relative slack of the OHLC check: far above float64 rounding of adjusted prices (~1e-16),
# far below any real inconsistency (the snapshot's smallest, QQQ 2025-09-10, is 1e-7).
OHLC_REL_TOL = 1e-9

DESCRIPTIONS = {
    "duplicates": "duplicate dates",
    "unsorted": "dates out of order",
    "nan": "missing or non-numeric values",
    "non_positive": "prices <= 0",
    "ohlc": "OHLC inconsistent (Low above Open/Close or High below them)",
    "zero_volume": "Volume 0",
    "partial_last_bar": "trailing partial bar",
    "gaps": "calendar gaps",
}


@dataclass
class Finding:
    """One row's problem: `line` is the CSV line number (header = line 1)."""

    line: int
    date: str
    detail: str


@dataclass
class Check:
    name: str
    action: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def description(self) -> str:
        return DESCRIPTIONS[self.name]


@dataclass
class ValidationReport:
    """Every check's findings, what was done about them, and notes that are facts rather than problems."""

    source: str
    rows_read: int = 0
    rows_kept: int = 0
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dropped: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Check]:
        return [c for c in self.checks if c.findings]

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "checks": [
                {
                    "check": c.name,
                    "description": c.description,
                    "action": c.action,
                    "count": len(c.findings),
                    "rows": [f.__dict__ for f in c.findings],
                }
                for c in self.checks
            ],
            "dropped": [f.__dict__ for f in self.dropped],
            "notes": self.notes,
        }

    def to_text(self, max_rows: int = 5) -> str:
        lines = [f"Validation of {self.source}: {self.rows_read} rows read, {self.rows_kept} kept"]
        for c in self.checks:
            if not c.findings:
                lines.append(f"  ok    {c.description}")
                continue
            lines.append(f"  {c.action:<5} {c.description}: {len(c.findings)} row(s)")
            for f in c.findings[:max_rows]:
                lines.append(f"          line {f.line} ({f.date}): {f.detail}")
            if len(c.findings) > max_rows:
                lines.append(f"          ... and {len(c.findings) - max_rows} more")
        for note in self.notes:
            lines.append(f"  note  {note}")
        if self.dropped:
            lines.append(f"  dropped {len(self.dropped)} row(s): " + ", ".join(f.date for f in self.dropped[:10])
                         + (" ..." if len(self.dropped) > 10 else ""))
        return "\n".join(lines)


# The policy value that lets a run continue past each check (the others only take error/warn/drop).
_WAY_ON = {"duplicates": "drop", "nan": "drop", "non_positive": "drop", "unsorted": "sort"}


def _fmt(value: float) -> str:
    return f"{value:.6g}"


# Values no daily bar can hold, refused whatever the policy (they are not quirks of a source but a broken file):
# beyond these, products of price, size and multiplier overflow or lose every cent of precision.
MAX_PRICE = 1e12
MAX_VOLUME = 1e15
FIRST_DATE = pd.Timestamp("1700-01-01")


def check_plausible(frame: pd.DataFrame, lines: np.ndarray, source: str, today: date | None = None) -> None:
    """Raise on the first row with an absurd price or volume, a negative volume, or a date before 1700 or
    after tomorrow (a bar from the future is a typo or a corrupt file, not data)."""
    today = today or datetime.now(UTC).date()
    last = pd.Timestamp(today) + pd.Timedelta(days=1)
    prices = frame[PRICES].to_numpy(dtype=float)
    volume = frame["volume"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        huge = (np.abs(prices) > MAX_PRICE) & np.isfinite(prices)
        bad_volume = ((volume < 0) | (volume > MAX_VOLUME)) & np.isfinite(volume)
    dates = frame.index
    bad_date = np.asarray((dates < FIRST_DATE) | (dates > last))
    rows = np.flatnonzero(huge.any(axis=1) | bad_volume | bad_date)
    if not len(rows):
        return
    i = rows[0]
    where = f"line {lines[i]}" if bad_date[i] else f"line {lines[i]} ({dates[i].date()})"
    if bad_date[i]:
        # str(), not .date(): a year pandas holds but Python's date cannot (0, 10000) must still be named
        why = f"date {str(dates[i])[:10]} is outside {FIRST_DATE.date()} to {last.date()} (tomorrow)"
    elif huge[i].any():
        col = PRICES[int(np.argmax(huge[i]))]
        why = f"{col.capitalize()} {_fmt(prices[i][PRICES.index(col)])} is beyond {MAX_PRICE:g}: not a price"
    else:
        why = (f"Volume {_fmt(volume[i])} is negative" if volume[i] < 0
               else f"Volume {_fmt(volume[i])} is beyond {MAX_VOLUME:g}")
    more = f" ({len(rows)} rows in all)" if len(rows) > 1 else ""
    raise DataError(f"{source}: {where}: {why}{more}; no validation policy keeps such a row")


def find_problems(frame: pd.DataFrame, lines: np.ndarray, raw_text: pd.DataFrame | None, max_gap_days: int,
                  as_of: date | None, all_zero_volume: bool) -> dict[str, list[Finding]]:
    """Pure detection over a parsed frame (index = dates in file order, `lines` = CSV line numbers)."""
    dates = frame.index
    dstr = np.datetime_as_string(dates.values, unit="D").tolist()  # vectorised: strftime was 40% of a load
    out: dict[str, list[Finding]] = {k: [] for k in DESCRIPTIONS}

    # Findings are built from plain lists (tolist): an intraday file holds hundreds of thousands of them, and a
    # numpy scalar converted one at a time cost more than the checks themselves.
    line_list = lines.tolist()
    dup = np.flatnonzero(dates.duplicated(keep="first")).tolist()
    out["duplicates"] = [Finding(line_list[i], dstr[i], "date already seen on an earlier row") for i in dup]

    values = dates.asi8
    out["unsorted"] = [Finding(line_list[i], dstr[i], f"comes after {dstr[i - 1]}")
                       for i in (np.flatnonzero(values[1:] < values[:-1]) + 1).tolist()]

    cols = [*PRICES, "volume"]
    isnan = ~np.isfinite(frame[cols].to_numpy(dtype=float))  # inf too: pandas reads "inf" as a number
    for i in np.flatnonzero(isnan.any(axis=1)):
        bad = [c for c, flag in zip(cols, isnan[i], strict=True) if flag]
        parts = []
        for c in bad:
            text = None if raw_text is None else raw_text.iloc[i][c]
            if not (isinstance(text, str) and text.strip()) or text.strip().lower() == "nan":
                parts.append(f"{c.capitalize()} is missing")
            elif np.isinf(frame[c].iloc[i]):
                parts.append(f"{c.capitalize()} is not a finite number {text.strip()!r}")
            else:
                parts.append(f"{c.capitalize()} is non-numeric {text!r}")
        out["nan"].append(Finding(int(lines[i]), dstr[i], "; ".join(parts)))

    prices = frame[PRICES].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        nonpos = ((prices <= 0) & np.isfinite(prices)).any(axis=1)  # -inf is the nan check's
    for i in np.flatnonzero(nonpos):
        bad = [f"{c.capitalize()}={_fmt(v)}" for c, v in zip(PRICES, prices[i], strict=True) if v <= 0]
        out["non_positive"].append(Finding(int(lines[i]), dstr[i], ", ".join(bad)))

    o, h, low, c = prices.T
    # Adjusted prices carry float noise (IWM/SPY: Low above Close by 1e-16 relative): not a data problem.
    tol = OHLC_REL_TOL * np.abs(c)
    with np.errstate(invalid="ignore"):
        bad_low = low - np.minimum(o, c) > tol
        bad_high = np.maximum(o, c) - h > tol
    rows = np.flatnonzero(bad_low | bad_high)
    for i, lo_, hi_, op, cl, is_low in zip(rows.tolist(), low[rows].tolist(), h[rows].tolist(), o[rows].tolist(),
                                           c[rows].tolist(), bad_low[rows].tolist(), strict=True):
        detail = (f"Low {_fmt(lo_)} > min(Open, Close) {_fmt(min(op, cl))}" if is_low
                  else f"High {_fmt(hi_)} < max(Open, Close) {_fmt(max(op, cl))}")
        out["ohlc"].append(Finding(line_list[i], dstr[i], detail))

    if not all_zero_volume:
        vol = frame["volume"].to_numpy(dtype=float)
        out["zero_volume"] = [Finding(line_list[i], dstr[i], "Volume 0 on a day the instrument traded")
                              for i in np.flatnonzero(vol == 0).tolist()]

    # The latest bar, wherever it sits in the file (an unsorted file's last line need not be it).
    latest = int(np.argmax(dates.values)) if len(frame) else -1
    if latest >= 0 and as_of is not None and dates[latest].date() >= as_of:
        out["partial_last_bar"].append(
            Finding(int(lines[latest]), dstr[latest],
                    f"dated on the download day {as_of}: an intraday snapshot, not a close")
        )

    # Gaps are measured on the calendar the run will see: distinct dates in order, whatever the file order.
    order = np.argsort(dates.values, kind="stable")
    first_of_day = ~dates[order].duplicated(keep="first")
    order = order[first_of_day]
    if len(order) > 1:
        d = dates.values[order].astype("datetime64[D]")
        missing = np.busday_count(d[:-1] + 1, d[1:])
        for k in np.flatnonzero(missing > max_gap_days) + 1:
            i, prev = order[k], order[k - 1]
            out["gaps"].append(
                Finding(int(lines[i]), dstr[i], f"{int(missing[k - 1])} weekdays without a bar since {dstr[prev]}")
            )
    return out


def apply_policy(frame: pd.DataFrame, lines: np.ndarray, found: dict[str, list[Finding]], policy,
                 source: str, report: ValidationReport) -> tuple[pd.DataFrame, np.ndarray]:
    """Raise on the first check whose policy is `error`; otherwise drop or sort as configured, listing rows."""
    for name in DESCRIPTIONS:
        action = getattr(policy, name)
        findings = found[name]
        report.checks.append(Check(name, action, findings))
        if findings and action == "error":
            first = findings[0]
            more = f" ({len(findings)} rows in all)" if len(findings) > 1 else ""
            raise DataError(
                f"{source}: line {first.line} ({first.date}): {DESCRIPTIONS[name]}: {first.detail}{more}; "
                f"policy data.validation.{name}=error (set it to "
                f"{_WAY_ON.get(name, 'warn')} to continue)"
            )
    # One set for every check: rebuilding it per finding made a file of many bad rows quadratic.
    drop_lines: set[int] = set()
    for check in report.checks:
        if check.action == "drop" and check.findings:
            for finding in check.findings:
                if finding.line not in drop_lines:
                    drop_lines.add(finding.line)
                    report.dropped.append(finding)
    if drop_lines:
        keep = ~np.isin(lines, list(drop_lines))
        frame, lines = frame[keep], lines[keep]
    if policy.unsorted == "sort" and found["unsorted"]:
        order = np.argsort(frame.index.values, kind="stable")
        frame, lines = frame.iloc[order], lines[order]
        report.notes.append(f"sorted {len(found['unsorted'])} out-of-order row(s) by date (policy unsorted=sort)")
    report.dropped.sort(key=lambda f: f.line)
    return frame, lines
