"""The README as data: its marked command blocks, its `rtybt ...` mentions and its command-reference table."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = re.compile(r"^<!-- readme-test: (\w+) -->\s*$")


def marked_blocks(kind: str, text: str | None = None) -> list[list[str]]:
    """The command lines of every fenced block right after a `<!-- readme-test: KIND -->` line."""
    lines = (text if text is not None else README.read_text(encoding="utf-8")).splitlines()
    blocks = []
    for i, line in enumerate(lines):
        match = MARKER.match(line)
        if not match or match.group(1) != kind:
            continue
        assert lines[i + 1].startswith("```"), f"README line {i + 2}: a fenced block must follow the marker"
        block = []
        for body in lines[i + 2:]:
            if body.startswith("```"):
                break
            if body.strip() and not body.lstrip().startswith("#"):
                block.append(body.strip())
        blocks.append(block)
    return blocks


FILE_MARKER = re.compile(r"^<!-- readme-test: file (\S+) -->\s*$")


def marked_files(text: str | None = None) -> dict[str, str]:
    """The fenced blocks right after a `<!-- readme-test: file PATH -->` line, by PATH, exactly as written."""
    lines = (text if text is not None else README.read_text(encoding="utf-8")).splitlines()
    files = {}
    for i, line in enumerate(lines):
        match = FILE_MARKER.match(line)
        if not match:
            continue
        assert lines[i + 1].startswith("```"), f"README line {i + 2}: a fenced block must follow the marker"
        body = []
        for inner in lines[i + 2:]:
            if inner.startswith("```"):
                break
            body.append(inner)
        files[match.group(1)] = "\n".join(body) + "\n"
    return files


def rtybt_mentions(text: str | None = None) -> list[str]:
    """Every `rtybt ...` written in an inline code span or on a line of a fenced block."""
    text = text if text is not None else README.read_text(encoding="utf-8")
    found, in_block = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        pieces = [line] if in_block else re.findall(r"`([^`]*)`", line)
        for piece in pieces:
            piece = piece.strip()
            if piece == "rtybt" or piece.startswith("rtybt "):  # a command line, not a word inside one
                found.append(piece)
    return found


def mention_tokens(mention: str) -> list[str]:
    try:
        tokens = shlex.split(mention)
    except ValueError:
        tokens = mention.split()
    return [t.strip("[]") for t in tokens if t.strip("[]")]


def reference_rows(text: str | None = None) -> dict[str, set[str]]:
    """The command-reference table: 'run' / 'data check' -> the option spellings in its row."""
    text = text if text is not None else README.read_text(encoding="utf-8")
    section = text.split("## Command reference", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or not cells[0].startswith("`rtybt "):
            continue
        words = cells[0].strip("`").split()[1:]
        name = " ".join(w for w in words[:2] if w.islower() and w.replace("-", "").isalpha())  # check-strategy
        rows[name] = set(re.findall(r"`(--?[A-Za-z][\w-]*)`", cells[1]))
    return rows
