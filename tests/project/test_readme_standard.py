"""The README's "How rtybt judges" section is the one the pages show: generated from engine/analysis/standard.py."""

from __future__ import annotations

from pathlib import Path

from rtybt.engine.analysis import standard

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_section_is_the_standards():
    text = README.read_text(encoding="utf-8")
    start, end = text.index(standard.README_START), text.index(standard.README_END) + len(standard.README_END)
    assert text[start:end] == standard.readme_section(), (
        "README's How rtybt judges section is stale: replace it with "
        "python -c 'from rtybt.engine.analysis.standard import readme_section; print(readme_section())'")


def test_the_section_names_every_word_and_follows_a_threshold(monkeypatch):
    section = standard.readme_section()
    for word in standard.WORDS:
        assert f"“{word}”" in section
    monkeypatch.setattr(standard, "MIN_EPISODES", 12)
    assert "at least 12 independent episodes" in standard.readme_section()
