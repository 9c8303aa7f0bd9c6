"""Foundation: CSV cells a spreadsheet would run as a formula are written as text.

A text cell that starts with `=`, `+`, `-`, `@` (or a tab or carriage return, which some spreadsheets skip
before one) is a formula to Excel or LibreOffice: `=HYPERLINK(...)` in a symbol, a strategy's name or a
parameter would run when someone opens the CSV. Such cells get a leading `'`, the spreadsheet's own "this
is text" mark. Numbers are left alone, and so is text that reads as a number (`-0.05` stays -0.05).
"""

from __future__ import annotations

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def safe_cell(value):
    """`value`, or `'value` when it is text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS) and not _is_number(value):
        return "'" + value
    return value


def spreadsheet_safe(frame):
    """A copy of the DataFrame with formula-leading text cells (in text columns and the column names) marked."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or isinstance(out[column].dtype, pd.StringDtype):
            out[column] = out[column].map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    return out
