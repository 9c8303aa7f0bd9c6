"""Commands stage: `rtybt note init NOTE.txt`: a note's text -> a drafted note file (YAML), its date found from the bars."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rtybt.engine.analysis.note import instruments
from rtybt.engine.analysis.note.draft import RULES, match_date, parse_text
from rtybt.engine.core.errors import ConfigError, UserError
from rtybt.engine.core.progress import Stage, announce

MAX_TEXT_BYTES = 256 * 1024


@dataclass
class NoteDraft:
    """The drafted note file and what the drafting read, could not read and skipped."""

    source: Path
    yaml_text: str
    data: dict
    read: list[str]
    unread: list[str]
    skipped: list[str]
    date_note: str
    output: Path | None

    def to_dict(self) -> dict:
        return {"source": str(self.source), "note": self.data, "read": self.read, "not_read": self.unread,
                "skipped": self.skipped, "date": self.date_note, "rules": list(RULES),
                "output": str(self.output) if self.output else None, "yaml": self.yaml_text}

    def report_lines(self) -> list[str]:
        lines = [f"read from {self.source}:", *[f"  {x}" for x in self.read], f"date: {self.date_note}"]
        lines += ["not read (left out of the draft):", *[f"  {x}" for x in self.unread or ["nothing"]]]
        lines += [f"skipped lines ({len(self.skipped)}):", *[f"  {x}" for x in self.skipped]]
        lines += ["rules added to what was read:", *[f"  {x}" for x in RULES]]
        if self.output:
            lines.append(f"wrote {self.output}")
        return lines


def _read_text(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            blob = fh.read(MAX_TEXT_BYTES + 1)
    except FileNotFoundError:
        raise UserError(f"{path}: note text file not found") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.__class__.__name__})") from None
    if len(blob) > MAX_TEXT_BYTES:
        raise UserError(f"{path}: larger than {MAX_TEXT_BYTES // 1024} KiB (the limit); is this a note's text?")
    try:
        return blob.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text") from None


def _instrument(data: dict, symbol: str | None, source: Path) -> dict:
    if symbol is not None:
        known = next((r for r in instruments.TABLE if r.symbol == symbol), None)
        return {"name": known.name if known else None, "symbol": symbol, "history": known.history if known else None}
    if "instrument" not in data:
        raise UserError(f"{source}: the title names no instrument the table knows "
                        f"({', '.join(r.name for r in instruments.TABLE)}): give --symbol, e.g. --symbol SPY")
    return data["instrument"]


def _date_of(bars, readings: dict, on: str | None, source: Path) -> tuple[date, str]:
    from rtybt.engine.analysis.note.snapshot import locate_bar
    from rtybt.engine.commands.snapshot import parse_date

    frame = bars.frame
    if on is not None:
        day = parse_date(on)
        pos, note = locate_bar(frame.index, day, bars.path.name)
        if note:
            raise UserError(f"--date: {note}")
        return day, f"{day} (given)"
    ranked = match_date(frame, readings)
    if not ranked:
        raise UserError(f"{source}: no reading (price, MA, RSI) to find the date from: give --date")
    best, score, values = ranked[0]
    said = ", ".join(f"{name} {value:,.2f}" for name, value in values.items())
    runner = f"; next best {ranked[1][0]} ({ranked[1][1]:.2%})" if len(ranked) > 1 else ""
    return best, (f"{best}, found from the bars: {bars.symbol} closed there with {said} (mean difference from the "
                  f"note's readings {score:.2%}{runner})")


def _yaml(data: dict, header: list[str]) -> str:
    import yaml

    class NoAliases(yaml.SafeDumper):
        def ignore_aliases(self, data):  # a band shared by a level and a claim is written twice, not as &id001
            return True

    body = yaml.dump(data, Dumper=NoAliases, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)
    return "".join(f"# {line}\n" for line in header) + body


def draft_note(text_path: str | Path, symbol: str | None = None, on: str | None = None, data_dir: str | None = None,
               output: str | Path | None = None, on_stage: Stage | None = None) -> NoteDraft:
    """Draft a note file from a note's text; write it atomically to `output` when given (else only return it)."""
    from rtybt.engine.analysis.note.model import validate_note
    from rtybt.engine.commands.note import _load

    source = Path(text_path)
    text = _read_text(source)
    if not text.strip():
        raise UserError(f"{source}: empty: expected a note's text (a title, its readings, levels and claims)")
    d = parse_text(text)
    data = d.data
    inst = _instrument(data, symbol, source)
    inst = {k: v for k, v in inst.items() if v is not None}
    announce(on_stage, "finding the date")
    bars = _load(inst["symbol"], data_dir, "--symbol")
    day, date_note = _date_of(bars, data["readings"], on, source)
    where = Path(output).parent if output else Path.cwd()
    note: dict = {"title": data["title"], "source": Path(os.path.relpath(source.resolve(), where.resolve())).as_posix(),
                  "instrument": inst, "date": day}
    if data["readings"]:
        note["readings"] = data["readings"]
    if data["table"]:
        note["levels"] = {"valid_from": date(day.year, 1, 1), "valid_to": date(day.year, 12, 31),
                          "table": data["table"]}
    if "setup" in data:
        note["setup"] = data["setup"]
    note["markets"] = list(instruments.POOL)
    note["claims"] = data["claims"]
    header = [f"Drafted by `rtybt note init {source.name}` from the note's text: review it before trusting it.",
              f"date: {date_note}."]
    header += [f"not read: {x}" for x in d.unread]
    text = _yaml(note, header)
    if output is not None:
        from rtybt.engine.core.safe_yaml import safe_load_unique

        try:
            validate_note(safe_load_unique(text), str(output))
        except ConfigError as exc:
            raise UserError(f"{source}: the draft is not a complete note file, nothing written: {exc}") from None
        from rtybt.engine.core.atomic import write_text_atomic

        write_text_atomic(Path(output), text)
    return NoteDraft(source, text, note, d.read, d.unread, d.skipped, date_note, Path(output) if output else None)
