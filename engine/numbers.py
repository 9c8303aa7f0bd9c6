"""Report stage: the one formatter of numbers for the terminal (the run, sweep and regress summaries)."""

from __future__ import annotations

# kind -> format spec; a value shown twice is shown the same way wherever it is printed.
FORMATS = {
    "pct": ".2%",  # returns, drawdowns, rates
    "num": ".2f",  # ratios (Sharpe, Sortino, Calmar, profit factor)
    "num1": ".1f",  # bars held, seconds
    "num3": ".3f",  # probabilities (deflated Sharpe, PBO)
    "int": "d",  # counts
    "usd": ",.0f",  # money, with a leading $
    "sig3": ".3g",  # a difference, three significant digits
    "sig10": ".10g",  # a raw value compared with its baseline
    "sci2": ".2e",  # a relative difference
}


def fmt(value, kind: str = "num") -> str:
    """`value` as the terminal shows a number of this `kind`; None (undefined) is "-"."""
    if value is None:
        return "-"
    if kind == "int":
        return f"{int(value)}"
    if kind == "usd":
        return f"${value:{FORMATS[kind]}}"
    return f"{value:{FORMATS[kind]}}"
