"""Regression stage: the verdicts as a terminal table, a JSON payload and a Markdown report (via RunWriter)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from rtybt.engine.core.numbers import fmt
from rtybt.engine.regress.compare import DATA_CHANGED, ERROR, Moved
from rtybt.engine.regress.runner import RegressReport
from rtybt.engine.results import RunWriter, new_run_id
from rtybt.engine.results.provenance import write_manifest

COLUMNS = ("config", "status", "what moved", "baseline", "now", "diff", "tolerance", "first divergence")


def _value(v) -> str:
    # Raw values at ten significant digits (enough to see what moved); text and whole numbers as they are.
    return fmt(v, "sig10") if isinstance(v, float) else fmt(v) if v is None else str(v)


def _diff(m: Moved) -> str:
    if m.abs_diff is None:
        return ""
    if m.what == "returns.daily":  # many days moved: show the largest change of a day's return
        return f"max {fmt(m.abs_diff, 'sig3')}"
    rel = f" ({fmt(m.rel_diff, 'sci2')} rel)" if m.rel_diff is not None else ""
    return f"{fmt(m.abs_diff, 'sig3')}{rel}"


def table_rows(report: RegressReport) -> list[tuple[str, ...]]:
    rows = []
    for v in report.verdicts:
        secs = f" {fmt(v.seconds, 'num1')}s" if v.seconds is not None else ""
        if not v.moved:
            rows.append((v.config, v.status + secs, "", "", "", "", "", v.message))
            continue
        for i, m in enumerate(v.moved):
            head = (v.config, v.status + secs) if i == 0 else ("", "")
            rows.append((*head, m.what, _value(m.baseline), _value(m.current), _diff(m), m.tolerance, m.where))
    return rows


def summary_line(report: RegressReport) -> str:
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.counts().items()))
    return (f"{len(report.verdicts)} config(s): {counts}; suite run time {fmt(report.seconds, 'num1')} s "
            f"on {report.jobs} worker process(es)")


def format_table(report: RegressReport) -> list[str]:
    rows = [COLUMNS, *table_rows(report)]
    widths = [min(max(len(r[i]) for r in rows), 48) for i in range(len(COLUMNS) - 1)]
    lines = []
    for n, row in enumerate(rows):
        cells = [c.ljust(w) for c, w in zip(row, widths, strict=False)] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * len(COLUMNS[-1]))
    for v in report.verdicts:
        if v.status not in ("ok",) and v.moved:
            lines.append(f"{v.config}: {v.message}")
        lines.extend(f"{v.config}: note: {note}" for note in v.notes)
    lines.extend(f"note: {o} has no config in configs/ (renamed or deleted?): delete it with its config" for o in report.orphans)
    lines.append(summary_line(report))
    return lines


def to_json(report: RegressReport, report_dir: Path | None = None) -> dict:
    return {
        "exit_code": report.exit_code,
        "counts": report.counts(),
        "suite_seconds": round(report.seconds, 3),
        "workers": report.jobs,
        "update": report.update,
        "baselines_dir": report.baselines_dir,
        "written": report.written,
        "orphan_baselines": report.orphans,
        "report_dir": str(report_dir) if report_dir else None,
        "configs": [v.to_dict() for v in report.verdicts],
    }


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(report: RegressReport, when: datetime) -> str:
    out = [f"# Regression report {when:%Y-%m-%d %H:%M:%S} UTC", "", summary_line(report), "",
           "| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table_rows(report)]
    for v in report.verdicts:
        out += ["", f"## {v.config}: {v.status}", "", v.message]
        out += [f"- note: {n}" for n in v.notes]
    return "\n".join(out) + "\n"


def write_report(report: RegressReport, results_root: str | Path = "results",
                 command_line: list[str] | None = None) -> Path:
    """results/regress/<run id>/ with report.md and regress.json, written atomically."""
    now = datetime.now(UTC)
    key = hashlib.sha256("\n".join(v.config for v in report.verdicts).encode()).hexdigest()
    writer = RunWriter(Path(results_root), "regress", new_run_id(key, now))
    try:
        writer.write_text("report.md", markdown(report, now))
        final = writer.final_parent / writer.run_id
        writer.write_json("regress.json", to_json(report, final))
        write_manifest(writer, "regress", report.inputs, report.started, command_line,
                       {"update": report.update, "statuses": {v.config: v.status for v in report.verdicts}})
        return writer.commit()
    except BaseException:
        writer.abort()
        raise


def refusal_message(report: RegressReport) -> str:
    """One line naming every config refused (changed data) or in error, for the exit-2 message."""
    return "; ".join(f"{v.config}: {v.message}" for v in report.verdicts if v.status in (DATA_CHANGED, ERROR))
