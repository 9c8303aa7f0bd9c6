"""Analysis stage: the note's Final Call table (short / medium / long-term bias) by explicit rules.

Facts used (all on the snapshot bar's close, nothing later):
  A = close above the fast (50-day) MA      B = close above the slow (200-day) MA
  R = RSI rising: RSI(14) now above RSI(14) `rsi_slope_bars` bars ago
  G = golden cross in place: fast MA above slow MA

Short-term (days to weeks) — price against the 50-day MA and the RSI slope:
  Bullish if A and R; Bearish if not A and not R; Neutral otherwise (price and momentum disagree).
Medium (weeks to months) — the 50-day MA and the 200-day MA, the note's "macro reversal":
  Bullish if A and B; Cautiously Bullish if A and not B (needs a break over the resistance overhead
  and the 200-day MA to confirm); Cautiously Bearish if not A and B (a pullback inside an uptrend);
  Bearish if neither.
Long-term (months) — the 200-day MA and the golden cross:
  Bullish if B and G; Cautiously Bullish if B and not G (golden cross pending); Neutral if not B
  and A (trend still under the 200-day MA, recovery under way); Bearish if not B and not A.
The note's "improving breadth" is not computable from bars: it never decides a bias and is listed as
not computable. "Lagging structure vs peers" is read from the peers' bars when given (year-to-date
returns, engine.analysis.note.peers) and appended to the long-term reason as evidence; it never decides a bias.
"""

from __future__ import annotations

from dataclasses import dataclass

BULLISH = "Bullish"
CAUTIOUSLY_BULLISH = "Cautiously Bullish"
NEUTRAL = "Neutral"
CAUTIOUSLY_BEARISH = "Cautiously Bearish"
BEARISH = "Bearish"


@dataclass(frozen=True)
class CallFacts:
    """The inputs of the rules, already computed on the snapshot bar."""

    above_fast: bool
    above_slow: bool
    rsi_rising: bool
    golden_cross: bool
    fast_label: str = "50-MA"
    slow_label: str = "200-MA"
    # The level a medium-term reversal must clear (the note's confirmation band); None when nothing is overhead.
    confirm_above: str | None = None
    support_below: str | None = None
    # Evidence only, appended to the long-term reason: e.g. "lagging SPY and QQQ year to date".
    peer_note: str | None = None


@dataclass(frozen=True)
class Call:
    horizon: str
    bias: str
    reasoning: str
    rule: str

    def to_dict(self) -> dict:
        return {"horizon": self.horizon, "bias": self.bias, "reasoning": self.reasoning, "rule": self.rule}


def short_term(f: CallFacts) -> Call:
    side = f"above {f.fast_label}" if f.above_fast else f"below {f.fast_label}"
    slope = "bullish RSI slope" if f.rsi_rising else "bearish RSI slope"
    reason = f"{side[0].upper()}{side[1:]}, {slope}"
    if f.above_fast and f.rsi_rising:
        return Call("Short-term", BULLISH, reason, "A and R")
    if not f.above_fast and not f.rsi_rising:
        return Call("Short-term", BEARISH, reason, "not A and not R")
    return Call("Short-term", NEUTRAL, reason + " (price and momentum disagree)", "A xor R")


def medium_term(f: CallFacts) -> Call:
    if f.above_fast and f.above_slow:
        return Call("Medium", BULLISH, f"Above {f.fast_label} and {f.slow_label}: macro reversal confirmed", "A and B")
    if f.above_fast:
        target = f.confirm_above or f"the {f.slow_label}"
        return Call("Medium", CAUTIOUSLY_BULLISH, f"Needs a break over {target} to confirm macro reversal", "A and not B")
    if f.above_slow:
        hold = f"; must hold {f.support_below}" if f.support_below else ""
        return Call("Medium", CAUTIOUSLY_BEARISH, f"Lost the {f.fast_label} inside an uptrend above the {f.slow_label}{hold}",
                    "not A and B")
    return Call("Medium", BEARISH, f"Below {f.fast_label} and {f.slow_label}: no reversal under way", "not A and not B")


def long_term(f: CallFacts) -> Call:
    call = _long_term(f)
    if f.peer_note:
        return Call(call.horizon, call.bias, f"{call.reasoning}; {f.peer_note}", call.rule)
    return call


def _long_term(f: CallFacts) -> Call:
    if f.above_slow and f.golden_cross:
        return Call("Long-term", BULLISH, f"Above {f.slow_label} with a golden cross in place", "B and G")
    if f.above_slow:
        return Call("Long-term", CAUTIOUSLY_BULLISH, f"Above {f.slow_label}, golden cross still absent", "B and not G")
    if f.above_fast:
        return Call("Long-term", NEUTRAL, f"Trend still under {f.slow_label}; recovery above {f.fast_label} under way",
                    "not B and A")
    return Call("Long-term", BEARISH, f"Trend under {f.slow_label} and {f.fast_label}", "not B and not A")


def final_call(facts: CallFacts) -> list[Call]:
    return [short_term(facts), medium_term(facts), long_term(facts)]
