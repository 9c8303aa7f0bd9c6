"""Report stage: the one formatter of numbers for the terminal (the run, sweep and regress summaries)."""

from __future__ import annotations

# kind -> format spec; a value shown twice is shown the same way wherever it is printed.
FORMATS = {
    "pct": ",.2%",  # returns, drawdowns, rates (1,402.04%)
    "num": ".2f",  # ratios (Sharpe, Sortino, Calmar, profit factor)
    "num1": ".1f",  # bars held, seconds
    "num3": ".3f",  # probabilities (deflated Sharpe, PBO)
    "int": ",d",  # counts (9,176)
    "usd": ",.0f",  # money, with a leading $
    "sig3": ".3g",  # a difference, three significant digits
    "sig10": ".10g",  # a raw value compared with its baseline
    "sci2": ".2e",  # a relative difference
}


def fmt(value, kind: str = "num") -> str:
    """`value` as the terminal shows a number of this `kind`; None or NaN (undefined) is "-"."""
    if value is None or value != value:  # None, or NaN: undefined, never "nan"
        return "-"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "usd":
        return f"${value:{FORMATS[kind]}}"
    return _no_negative_zero(f"{value:{FORMATS[kind]}}")


def _no_negative_zero(text: str) -> str:
    """"-0.00%" is zero: a value that rounds to zero prints without a sign."""
    return text[1:] if text[:1] == "-" and set(text[1:]) <= set("0.,%") else text


def fmt_column(values: list, kind: str, decimals: int | None = None) -> list[str]:
    """One column of a table, formatted alike: `decimals`, or by default `column_decimals(values, kind)`."""
    if kind in ("int", "usd"):
        return [fmt(v, kind) for v in values]
    decimals = column_decimals(values, kind) if decimals is None else decimals
    return [_fmt_decimals(v, kind, decimals) for v in values]


def column_decimals(values: list, kind: str, max_extra: int = 4) -> int:
    """The kind's usual decimals, more (up to `max_extra`) when two different values would otherwise print
    the same (two Sharpes of 0.51 that are 0.512 and 0.508). Pass several columns' values together to give
    the same quantity one format wherever it is shown."""
    base = {"pct": 2, "signed_pct": 2, "num1": 1}.get(kind, 2)
    # Values equal to 9 significant digits are one value (float noise, e.g. a twin's Sharpe vs Backtrader's).
    distinct = {float(f"{v:.9g}") for v in values if v is not None and v == v}
    for decimals in range(base, base + max_extra + 1):
        if len({_fmt_decimals(v, kind, decimals) for v in distinct}) == len(distinct):
            return decimals
    return base + max_extra


def _fmt_decimals(value, kind: str, decimals: int) -> str:
    if value is None or value != value:
        return "-"
    if kind == "signed_pct":
        return _no_negative_zero(f"{value:+,.{decimals}%}")
    return _no_negative_zero(f"{value:,.{decimals}%}" if kind == "pct" else f"{value:,.{decimals}f}")


def text_table(header: list[str], rows: list[list[str]], left: int = 1, left_also: tuple[int, ...] = ()) -> list[str]:
    """Rows of cells under a header, each column as wide as its widest cell and two spaces apart, so
    headers never run together; the first `left` columns (and those in `left_also`) are left-aligned,
    the rest (numbers) right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        parts = [str(c).ljust(w) if i < left or i in left_also else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return ("  " + "  ".join(parts)).rstrip()

    return [line(header), *(line(r) for r in rows)]


def setting_text(value) -> str:
    """A parameter's value in a label (`stop_pct=off`, `ma_stop=on`, `start=2020-01-02`): on and off for yes/no
    and unset, ISO dates; anything else exactly as str() writes it, so numeric labels stay as they were."""
    if value is None or isinstance(value, bool):
        return "on" if value else "off"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
