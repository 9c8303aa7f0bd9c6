"""Report stage: the snapshot as the note prints it (readings, key levels, checklists, Final Call)."""

from __future__ import annotations

from rtybt.engine.analysis.note.snapshot import Level, Snapshot
from rtybt.engine.analysis.price_range import price_range


def _mark(status: bool | None) -> str:
    return {True: "[x]", False: "[ ]", None: "[?]"}[status]


def _band(level: Level) -> str:
    return price_range(level.low, level.high)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def render_snapshot(snap: Snapshot) -> list[str]:
    r, s = snap.readings, snap.settings
    lines = [f"{snap.symbol} on {snap.bar_date}"]
    if snap.date_note:
        lines.append(f"note: {snap.date_note}")
    golden = "in place (50-day MA above 200-day MA)" if r.golden_cross else "absent (50-day MA below 200-day MA)"
    slope = "rising" if r.rsi_slope > 0 else "falling" if r.rsi_slope < 0 else "flat"
    lines += [
        "",
        f"  Current price: {r.close:,.1f}",
        f"  {s.fast_ma}-day MA: {r.sma_fast:,.1f} ({'below' if r.above_fast else 'above'} price; "
        f"{r.sma_fast_change:+,.1f} over {s.rsi_slope_bars} bars)",
        f"  {s.slow_ma}-day MA: {r.sma_slow:,.1f} ({'below' if r.above_slow else 'above'} price)",
        f"  RSI ({s.rsi_period}): {r.rsi:.2f} — {slope} ({r.rsi_slope:+.2f} over {s.rsi_slope_bars} bars)",
        f"  Golden Cross: {golden}" + (f"; last {r.last_cross}" if r.last_cross else ""),
        f"  MACD ({s.macd_fast},{s.macd_slow},{s.macd_signal}): {r.macd:,.2f} vs signal {r.macd_signal:,.2f} — "
        + ("bullish (line above signal)" if r.macd_bullish else "not bullish (line at or below signal)"),
        "",
        "Key Levels to Watch",
    ]
    rows = [["Type", "Price", "Note", "Distance"]]
    rows += [["Resistance", _band(lv), f"{lv.type} ({lv.detail})", f"{lv.distance_pct:.1f}%"] for lv in snap.resistance]
    rows += [["Support", _band(lv), f"{lv.type} ({lv.detail})", f"{lv.distance_pct:.1f}%"] for lv in snap.support]
    lines += _table(rows)
    for title, items in (("Bull Case", snap.bull_case), ("Bear Case", snap.bear_case)):
        met = sum(1 for i in items if i.status)
        computable = sum(1 for i in items if i.computable)
        lines += ["", f"{title} ({met} of {computable} computable items hold; [?] = not computable from bars)"]
        for item in items:
            lines.append(f"  {_mark(item.status)} {item.note}")
            lines.append(f"        {item.evidence}")
    if snap.peers:
        returns = ", ".join(
            f"{p['symbol']} {p['ytd_return']:+.1%}" if p["ytd_return"] is not None else f"{p['symbol']} n/a"
            for p in snap.peers["returns"]
        )
        relation = f" — {snap.symbol} {snap.peers['relation']}" if snap.peers["relation"] else ""
        lines += ["", f"Versus peers (year to date): {returns}{relation}"]
    lines += ["", "Final Call"]
    lines += _table([["Time Frame", "Bias", "Reasoning"]] + [[c.horizon, c.bias, c.reasoning] for c in snap.calls])
    lines += ["", "Not computable from price bars (never used in the rules):"]
    lines += [f"  - {what}" for what in snap.not_computable]
    if snap.data:
        d = snap.data
        warned = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in d["warnings"].items()) or "none"
        lines += ["", f"data: {d['file']} ({d['rows_kept']} of {d['rows_read']} rows kept; sha256 {d['sha256'][:12]}…, "
                  f"{d['checksum']}); validation warnings: {warned}"]
        lines += [f"  dropped: {row}" for row in d["dropped"]]
    return lines
