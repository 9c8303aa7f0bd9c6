"""Analysis stage: a note file drafted from a note's text — what it read, what it could not, and the lines it skipped.

It reads the seed's form: "Current Price: …", "N-day MA: …", "RSI (N): …" lines; a Key Levels table (Type / Price
/ Note rows, a price or a band such as 4,010–4,060); a Final Call table (Time Frame / Bias / Reasoning); and
phrases ("reclaimed the 50-day moving average", "below the 200-day MA", "a possible test of that zone", "upside
target", "rejection at … resistance", "needs a break over … to confirm", "tends to outperform"). Table cells may
be separated by tabs or pipes, or run together as a web page's text copies them. It never invents a value: a field
it cannot read is left out and named. The rules it adds to what it reads (a reclaim held by 2 of the last 5
closes, RSI above 55 for "approaching the bullish zone", horizons of 20/60/120 sessions for short/medium/long
term) are constants of this module, listed in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rtybt.engine.analysis.note import instruments

NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
BAND = rf"({NUMBER})(?:\s*[–—-]\s*({NUMBER}))?"
DASHES = "–—-"
MA_PERIODS = (200, 100, 50, 20, 10)  # periods a run-together "...200-day MA" label may have lost to the price
HORIZONS = {"short": 20, "medium": 60, "long": 120}
RECLAIM = {"bars": 2, "window": 5, "within_bars": 20}  # "for multiple sessions": 2 of the last 5 closes
RSI_APPROACHING = 55.0  # "approaching the bullish zone" (60): the snapshot's rsi_min
NEAR_RESISTANCE_PCT = 3.0  # "challenges a zone just under": the checklist's overhead distance
TARGET_SESSIONS, REJECTION_SESSIONS, CONFIRM_BARS = 60, 20, 20
RULES = (
    f"a reclaim 'for multiple sessions': {RECLAIM['bars']} of the last {RECLAIM['window']} closes above the MA, after "
    f"a close at or below it in the {RECLAIM['within_bars']} before",
    f"RSI 'gaining momentum, approaching bullish zone': RSI above {RSI_APPROACHING:g} and rising over 5 closes",
    f"price 'challenges' a resistance: a swing high at most {NEAR_RESISTANCE_PCT:g}% above the close",
    "horizons: short-term " + ", medium ".join(str(v) for v in HORIZONS.values()).replace(", medium 120",
                                                                                       ", long-term 120")
    + " sessions; targets searched 60 sessions, rejections 20, a confirming break within 20",
    "the levels' validity window: the calendar year of the note's date",
)


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _band(m, i: int = 1) -> tuple[float, float | None]:
    low = _num(m.group(i))
    high = _num(m.group(i + 1)) if m.group(i + 1) else None
    return low, high


@dataclass
class Draft:
    """The draft note file as a mapping, and what the reading found."""

    data: dict = field(default_factory=dict)
    read: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _clean(line: str) -> str:
    return line.strip().lstrip("•*·-").strip()


def _row(line: str, first: str, second: str) -> tuple[str, str, str] | None:
    m = re.match(rf"^({first})\s*[|\t]?\s*({second})\s*[|\t]?\s*(.*)$", line, flags=re.IGNORECASE)
    return (m.group(1), m.group(2), m.group(3).strip(" |\t")) if m else None


def _term(word: str) -> str:
    return "short" if word.lower().startswith("short") else "long" if word.lower().startswith("long") else "medium"


def parse_text(text: str) -> Draft:
    """Read a note's text (the seed's form) into a draft; no bars are read here."""
    d = Draft()
    lines = [_clean(x) for x in text.splitlines()]
    lines = [x for x in lines if x]
    used: set[int] = set()
    data = d.data

    # Title: the first line with a dash between words, else the first line.
    title_i = next((i for i, x in enumerate(lines) if re.search(r"\s[–—-]\s", x)), 0)
    data["title"] = lines[title_i]
    used.add(title_i)
    d.read.append(f"title: {lines[title_i]}")
    found = instruments.find(lines[title_i])
    if found:
        row = found[0]
        data["instrument"] = {"name": row.name, "symbol": row.symbol} | ({"history": row.history} if row.history else {})
        d.read.append(f"instrument: {row.name} -> {row.symbol}" + (f", history {row.history}" if row.history else ""))
    else:
        d.unread.append("instrument: no known name or ticker in the title (give --symbol)")

    readings: dict = {}
    for i, x in enumerate(lines):
        if m := re.match(rf"^(?:current )?price\s*:\s*({NUMBER})", x, re.IGNORECASE):
            readings["price"] = _num(m.group(1))
        elif m := re.match(rf"^(\d+)[- ]day (?:MA|moving average|SMA)\s*:\s*({NUMBER})", x, re.IGNORECASE):
            readings.setdefault("moving_averages", []).append({"period": int(m.group(1)), "value": _num(m.group(2))})
        elif m := re.match(rf"^RSI\s*\(?(\d+)\)?\s*:\s*({NUMBER})", x, re.IGNORECASE):
            readings["rsi"] = {"period": int(m.group(1)), "value": _num(m.group(2))}
        else:
            continue
        used.add(i)
        d.read.append(f"reading: {x}")
    data["readings"] = readings
    for name in ("price", "moving_averages", "rsi"):
        if name not in readings:
            d.unread.append(f"readings.{name}: no such line")

    # Key Levels table.
    table = []
    for i, x in enumerate(lines):
        if re.match(r"^type\s*[|\t]?\s*price\s*[|\t]?\s*note", x, re.IGNORECASE) or re.match(r"^key levels", x, re.I):
            used.add(i)
            continue
        if row := _row(x, "resistance|support", BAND):
            m = re.match(rf"^(?:resistance|support)\s*[|\t]?\s*{BAND}\s*[|\t]?\s*(.*)$", x, re.IGNORECASE)
            low, high = _band(m)
            label = m.group(3).strip(" |\t")
            if re.match(r"^[- ]?day\b", label, re.IGNORECASE):
                # "Resistance290200-day MA": the cells ran together and the MA's period was read as digits of
                # the price. Give the label back the trailing digits that make an MA period the note uses.
                digits = (m.group(2) or m.group(1)).replace(",", "")
                periods = [ma["period"] for ma in readings.get("moving_averages", [])] + list(MA_PERIODS)
                cut = next((str(p) for p in periods if digits.endswith(str(p)) and len(digits) > len(str(p))), None)
                if cut:
                    value, label = _num(digits[: -len(cut)]), cut + label
                    low, high = (low, value) if high else (value, None)
            level = {"type": row[0].lower()} | ({"band": [low, high]} if high else {"price": low})
            level["label"] = label
            table.append(level)
            used.add(i)
            d.read.append(f"level: {x}")
    if not table:
        d.unread.append("levels: no Key Levels rows (Type / Price / Note)")

    # Final Call table.
    calls = []
    for i, x in enumerate(lines):
        if re.match(r"^time ?frame\s*[|\t]?\s*bias", x, re.IGNORECASE) or x.lower() == "final call":
            used.add(i)
            continue
        row = _row(x, r"short[- ]term|medium(?:[- ]term)?|long[- ]term",
                   r"cautiously bullish|cautiously bearish|bullish|bearish|neutral")
        if row:
            calls.append((row[0], row[1].title().replace("Cautiously ", "Cautiously "), row[2]))
            used.add(i)
            d.read.append(f"final call: {x}")
    if not calls:
        d.unread.append("claims (bias): no Final Call rows (Time Frame / Bias / Reasoning)")

    conditions, setup_lines, claims = [], [], []

    def take(i: int) -> None:
        used.add(i)
        if i not in setup_lines:
            setup_lines.append(i)

    reclaim = below = None
    for i, x in enumerate(lines):
        if reclaim is None and (m := re.search(r"reclaim\w* (?:of )?the (\d+)[- ]day (?:moving average|MA)", x, re.I)):
            reclaim = int(m.group(1))
            conditions.append({"kind": "reclaimed_ma", "period": reclaim, **RECLAIM})
            take(i)
            if re.search(r"sign|reversal|turn", x, re.IGNORECASE):
                claims.append({"id": "trend-reversal", "kind": "forward_return", "quote": x,
                               "horizon": HORIZONS["short"], "direction": "up"})
    rsi = readings.get("rsi")
    rsi_line = next((i for i, x in enumerate(lines) if re.match(r"^RSI", x, re.I)), None)
    if rsi and rsi_line is not None and re.search(r"approaching bullish|gaining momentum", lines[rsi_line], re.I):
        conditions += [{"kind": "rsi_above", "period": rsi["period"], "level": RSI_APPROACHING},
                       {"kind": "rsi_rising", "period": rsi["period"], "bars": 5}]
        take(rsi_line)
    for i, x in enumerate(lines):
        if re.search(r"(challenges|tests|testing|pressing).*(zone|resistance|mark)", x, re.IGNORECASE) and \
                re.search(r"resistance", x, re.IGNORECASE):
            conditions.append({"kind": "near_resistance", "pct": NEAR_RESISTANCE_PCT})
            take(i)
            break
    for i, x in enumerate(lines):
        if m := re.search(r"(?:still |remains )?below the (\d+)[- ]day (?:MA|moving average)", x, re.IGNORECASE):
            below = int(m.group(1))
            conditions.insert(1 if reclaim else 0, {"kind": "below_ma", "period": below})
            take(i)
            if re.search(r"test of (?:that|the) zone|test of the \d+", x, re.IGNORECASE):
                claims.append({"id": f"test-{below}-day", "kind": "target_before_stop", "quote": x,
                               "target": {"ma": below}, "stop": {"ma": reclaim} if reclaim else None,
                               "sessions": TARGET_SESSIONS})
            break
    supports = [lv for lv in table if lv["type"] == "support"]
    lowest = min(supports, key=lambda lv: lv.get("band", [lv.get("price")])[0]) if supports else None
    for i, x in enumerate(lines):
        if m := re.search(rf"upside target\s*:?\s*{BAND}", x, re.IGNORECASE):
            low, high = _band(m)
            if lowest is None:
                d.unread.append(f"claims (target before stop): '{x}' names no stop and the levels have no support")
                continue
            stop = {"band": lowest["band"]} if "band" in lowest else {"price": lowest["price"]}
            claims.append({"id": "upside-target", "kind": "target_before_stop", "quote": x,
                           "target": {"band": [low, high]} if high else {"price": low}, "stop": stop,
                           "sessions": TARGET_SESSIONS})
            used.add(i)
        elif m := re.search(rf"rejection at\s*{BAND}", x, re.IGNORECASE):
            low, high = _band(m)
            claims.append({"id": "overhead-rejection", "kind": "rejection", "quote": x, "band": [low, high or low],
                           "sessions": REJECTION_SESSIONS})
            used.add(i)
        elif m := re.search(r"tends to outperform", x, re.IGNORECASE):
            own = {r.name for r in instruments.find(data["title"])}
            peers = [r for r in instruments.find(text) if r.name not in own]
            for peer in peers:
                claims.append({"id": f"outperform-{peer.symbol.lower()}", "kind": "relative", "quote": x,
                               "peer": peer.symbol, "horizon": HORIZONS["medium"]})
            if not peers:
                d.unread.append(f"claims (relative): '{x}' names no peer the table knows")
            used.add(i)
    for term, bias, reason in calls:
        key = _term(term)
        quote = f"{term}: {bias} — {reason}" if reason else f"{term}: {bias}"
        if m := re.search(rf"needs a break over\s*{BAND}\s*to confirm", reason, re.IGNORECASE):
            low, high = _band(m)
            claims.append({"id": "confirmation", "kind": "confirmation", "quote": reason, "band": [low, high or low],
                           "within_bars": CONFIRM_BARS, "horizon": HORIZONS["short"]})
        claims.append({"id": f"{key}-term-bias", "kind": "bias", "quote": quote, "term": key, "bias": bias,
                       "horizon": HORIZONS[key]})
    for c in claims:
        if c.get("stop", 1) is None:
            del c["stop"]
            d.unread.append(f"claims.{c['id']}.stop: no reclaimed MA to stop below")
    if conditions:
        data["setup"] = {"quote": " / ".join(lines[i] for i in sorted(setup_lines)), "conditions": conditions}
    else:
        d.unread.append("setup: no condition phrase (reclaimed the N-day MA, below the N-day MA, RSI, resistance)")
    data["table"] = table
    data["claims"] = claims
    d.skipped = [x for i, x in enumerate(lines) if i not in used]
    return d


def match_date(frame, readings: dict, warmup: int = 200) -> list[tuple[object, float, dict]]:
    """Dates ranked by how well the bars' close, SMAs and RSI match the note's readings (best first): the score is
    the mean relative difference of the prices plus the RSI difference in hundredths."""
    import numpy as np

    from rtybt.engine.analysis.indicators import sma, wilder_rsi

    close = frame["close"].to_numpy(dtype=float)
    parts, names = [], []
    if "price" in readings:
        parts.append(np.abs(close / readings["price"] - 1.0))
        names.append(("price", close))
    for ma in readings.get("moving_averages", []):
        values = sma(close, ma["period"])
        parts.append(np.abs(values / ma["value"] - 1.0))
        names.append((f"{ma['period']}-day MA", values))
    if "rsi" in readings:
        values = wilder_rsi(close, readings["rsi"]["period"])
        parts.append(np.abs(values - readings["rsi"]["value"]) / 100.0)
        names.append((f"RSI({readings['rsi']['period']})", values))
    if not parts:
        return []
    score = np.mean(parts, axis=0)
    score[:warmup] = np.nan
    order = [i for i in np.argsort(np.where(np.isfinite(score), score, np.inf)) if np.isfinite(score[i])][:3]
    return [(frame.index[i].date(), float(score[i]), {n: float(v[i]) for n, v in names}) for i in order]
