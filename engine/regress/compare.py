"""Regression stage: compare a fresh record with its baseline (pure: dicts in, a verdict out)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from rtybt.engine.regress.record import EXACT_METRICS, EXACT_TRADE_COLUMNS, decode_year
from rtybt.engine.regress.store import Tolerances

OK, REGRESSION, DATA_CHANGED, MISSING, ERROR, UPDATED = (
    "ok", "regression", "data changed", "no baseline", "error", "updated"
)


@dataclass
class Moved:
    """One thing that moved beyond its tolerance."""

    what: str
    baseline: Any
    current: Any
    abs_diff: float | None = None
    rel_diff: float | None = None
    tolerance: str = "exact"
    where: str = ""  # the first diverging trade or date

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Verdict:
    config: str
    status: str
    message: str = ""
    moved: list[Moved] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float | None = None

    def to_dict(self) -> dict:
        out = asdict(self)
        out["moved"] = [m.to_dict() for m in self.moved]
        return out


def _diffs(a: float, b: float) -> tuple[float, float | None]:
    d = abs(b - a)
    scale = max(abs(a), abs(b))
    return d, (d / scale if scale else None)


def _scalar(what: str, a, b, tol, where: str = "") -> Moved | None:
    """None when a and b agree: exactly for non-floats or when tol is None, else under tol."""
    if a is None or b is None or isinstance(a, (str, bool)) or isinstance(b, (str, bool)):
        return None if a == b else Moved(what, a, b, where=where)
    if tol is None:
        return None if a == b else Moved(what, a, b, *_diffs(a, b), where=where)
    if tol.holds(float(a), float(b)):
        return None
    return Moved(what, a, b, *_diffs(float(a), float(b)), str(tol), where)


def flatten(node, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            out.update(flatten(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: node}


def data_change(file: str, old_sha: str, new_sha: str, where: str = "") -> str:
    read = f", read from {where}" if where else ""
    return f"{file} changed (sha256 {old_sha[:12]}… in the baseline, {new_sha[:12]}… now{read})"


def refusal(changes: list[str], config: str) -> str:
    return ("refusing to compare: data file " + "; ".join(changes)
            + f"; restore the frozen snapshot, or if the new data is intended re-create the baseline with "
            f"`rtybt regress --update {config}`")


def changed_data(baseline: dict, current: dict) -> list[str]:
    """Files read under the same name whose checksum is no longer the baseline's."""
    now = {d["file"]: d for d in current.get("data", [])}
    out = []
    for old in baseline.get("data", []):
        new = now.get(old["file"])
        if new is not None and new["sha256"] != old["sha256"]:
            out.append(data_change(old["file"], old["sha256"], new["sha256"]))
    return out


def config_notes(baseline: dict, current: dict) -> list[str]:
    notes = []
    if baseline.get("config_hash") != current.get("config_hash"):
        old, new = flatten(baseline.get("resolved_config", {})), flatten(current.get("resolved_config", {}))
        keys = [k for k in sorted(old.keys() | new.keys()) if old.get(k, "<absent>") != new.get(k, "<absent>")]
        shown = ", ".join(f"{k} {old.get(k, '<absent>')!r} -> {new.get(k, '<absent>')!r}" for k in keys[:6])
        more = f" (+{len(keys) - 6} more)" if len(keys) > 6 else ""
        notes.append(f"config changed since the baseline: {shown or 'hash only'}{more}")
    old_v, new_v = baseline.get("versions", {}), current.get("versions", {})
    moved = [f"{k} {old_v.get(k)} -> {new_v.get(k)}" for k in sorted(old_v.keys() | new_v.keys())
             if old_v.get(k) != new_v.get(k)]
    if moved:
        notes.append("library versions differ from the baseline's: " + ", ".join(moved))
    return notes


def compare_metrics(section: str, old: dict, new: dict, tols: Tolerances, stem: str) -> list[Moved]:
    out = []
    for key in old.keys() | new.keys():
        name = f"{section}.{key}"
        tol = None if key in EXACT_METRICS else tols.for_field(name, stem)
        moved = _scalar(name, old.get(key), new.get(key), tol)
        if moved:
            out.append(moved)
    return sorted(out, key=lambda m: m.what)


def compare_trades(baseline: dict, current: dict, tols: Tolerances, stem: str) -> list[Moved]:
    cols = baseline["trade_columns"]
    if cols != current["trade_columns"]:
        return [Moved("trades.columns", cols, current["trade_columns"])]
    old, new = baseline["trades"], current["trades"]
    out = []
    if len(old) != len(new):
        out.append(Moved("trades.count", len(old), len(new), *_diffs(len(old), len(new))))
    # Per column: its first trade beyond tolerance (shown) and how many trades moved in it.
    first_by_col: dict[str, tuple[int, Moved]] = {}
    counts: dict[str, int] = {}
    for i, (a, b) in enumerate(zip(old, new, strict=False)):
        for col, x, y in zip(cols, a, b, strict=True):
            tol = None if col in EXACT_TRADE_COLUMNS else tols.for_field(f"trades.{col}", stem)
            moved = _scalar(f"trades.{col}", x, y, tol)
            if moved:
                counts[col] = counts.get(col, 0) + 1
                first_by_col.setdefault(col, (i, moved))
    entry = cols.index("entry_date")
    rows = sorted(first_by_col.items(), key=lambda item: (item[1][0], cols.index(item[0])))
    for col, (i, moved) in rows:
        moved.where = f"trade #{i + 1} (entered {old[i][entry]}); {counts[col]} trade(s) differ"
        out.append(moved)
    if out and out[0].what == "trades.count":
        if rows:
            out[0].where = rows[0][1][1].where.split(";")[0]
        else:  # same trades up to the shorter list: the divergence is the first extra one
            i = min(len(old), len(new))
            extra = (old if len(old) > len(new) else new)[i]
            side = "only in the baseline" if len(old) > len(new) else "new"
            out[0].where = f"trade #{i + 1} (entered {extra[entry]}) {side}"
    return out


def compare_returns(baseline: dict, current: dict, tols: Tolerances, stem: str,
                    dates: list[str] | None = None) -> list[Moved]:
    """Per year: same calendar (exact), then every daily return under the tolerance.

    `dates` (the current run's ISO dates) turn "the j-th bar of a year" into its date; the values
    themselves carry no dates, to keep baselines small.
    """
    old, new = baseline["returns"], current["returns"]
    by_year: dict[str, list[str]] = {}
    for d in dates or []:
        by_year.setdefault(d[:4], []).append(d)
    out = []
    for key in ("first", "last", "bars"):
        if old[key] != new[key]:
            out.append(Moved(f"returns.{key}", old[key], new[key]))
    tol = tols.for_field("returns", stem)
    first_where, worst, count = None, None, 0
    for year in sorted(old["years"].keys() | new["years"].keys()):
        a_block, b_block = old["years"].get(year), new["years"].get(year)
        if a_block is None or b_block is None or a_block["bars"] != b_block["bars"] or a_block["first"] != b_block["first"]:
            count += max(a_block["bars"] if a_block else 0, b_block["bars"] if b_block else 0)
            first_where = first_where or f"the bars of {year} differ (calendar moved)"
            continue
        a, b = decode_year(a_block), decode_year(b_block)
        bad = np.abs(a - b) > np.maximum(tol.rel * np.maximum(np.abs(a), np.abs(b)), tol.abs)
        if bad.any():
            count += int(bad.sum())
            j = int(np.argmax(bad))
            if first_where is None:
                day = by_year[year][j] if len(by_year.get(year, [])) > j else f"bar {j + 1} of {year}"
                first_where = f"{day}: {a[j]:.12g} -> {b[j]:.12g}"
            gap = np.abs(a - b)[bad].max()
            worst = gap if worst is None else max(worst, gap)
    if count:
        out.append(Moved("returns.daily", f"{old['bars']} days", f"{count} day(s) moved",
                         worst, None, str(tol), f"first diverging date {first_where}"))
    return out



def compare(baseline: dict, current: dict, tols: Tolerances, stem: str, dates: list[str] | None = None) -> Verdict:
    """Data checksum first (a changed file is refused, never reported as a regression), then results."""
    config = current.get("config") or baseline.get("config", stem)
    changed = changed_data(baseline, current)
    if changed:
        return Verdict(config, DATA_CHANGED, refusal(changed, config))
    moved = compare_metrics("metrics", baseline["metrics"], current["metrics"], tols, stem)
    old_b, new_b = baseline.get("benchmark"), current.get("benchmark")
    if (old_b is None) != (new_b is None):
        moved.append(Moved("benchmark", old_b and old_b["symbol"], new_b and new_b["symbol"]))
    elif old_b is not None:
        moved += compare_metrics("benchmark", old_b["metrics"], new_b["metrics"], tols, stem)
    moved += compare_trades(baseline, current, tols, stem)
    moved += compare_returns(baseline, current, tols, stem, dates)
    notes = config_notes(baseline, current)
    if not moved:
        return Verdict(config, OK, "holds", notes=notes)
    firsts = [m.where for m in moved if m.where]
    message = f"{len(moved)} value(s) moved beyond tolerance" + (f"; {firsts[0]}" if firsts else "")
    return Verdict(config, REGRESSION, message, moved, notes)
