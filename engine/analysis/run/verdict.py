"""Analysis stage: the run's answer (a status and its sentences), on the one standard of evidence
(`engine/analysis/standard.py`), derived from the numbers, never written by hand.

The strategy is judged against buy-and-hold on four differences of the paired daily returns, each with its
interval (`engine/analysis/run/paired.py`): Sharpe, CAGR, the worst drawdown at the strategy's time in the market, and
the return beyond holding the market for that share of the time. The status is `standard.strategy_word` of them.
The card also carries the present (the last 10 years against the whole history, the current drawdown and the days
since the last equity high) and says when the last decade's interval shows the edge gone or reversed. The setup's
event-study edge is a claim judged by `standard.claim_word`. Pure: numbers in, words out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.event_study import EventStudy
from rtybt.engine.analysis.standard import (
    DID_NOT_PAY_OFF,
    LOOKAHEAD,
    MIXED,
    NOT_DISTINGUISHABLE,
    NOT_ENOUGH,
    PAID_OFF,
    STRATEGY_WORDS,
)

DID_NOT = DID_NOT_PAY_OFF  # the name callers knew
STATUSES = STRATEGY_WORDS
DECADE_DAYS = 2520  # 10 years of sessions
# The last decade is judged apart only when the history is clearly longer than it.
DECADE_MIN_HISTORY = 3024

# The note's own setting, per strategy: the parameter that makes a config the note's setup, its value, and the
# one line a config without it shows on its first screen.
NOTE_SETUP = {
    "ma_reclaim": ("below_ma_period", 200, "not the note's setup: it enters on every reclaim of the moving average, "
                   "without the note's filter that the close is still below the 200-day MA "
                   "(below_ma_period: 200)"),
}


def rules() -> str:
    """How the status is decided, from the standard's current words and thresholds."""
    words = standard.meanings()
    return " ".join(f"'{w}': {words[w]}." for w in STRATEGY_WORDS if w in words)


RULES = rules()


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pct(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "n/a"
    text = f"{x:+.2%}" if signed else f"{x:.2%}"
    return text.replace("-", "−")


def _num(x: float | None, signed: bool = False) -> str:
    return "n/a" if x is None else (f"{x:+.2f}" if signed else f"{x:.2f}").replace("-", "−")


def _value(x: float | None, kind: str, signed: bool = False) -> str:
    return _num(x, signed) if kind == "ratio" else _pct(x, signed)


@dataclass(frozen=True)
class Headline:
    """One number of the verdict card: the strategy's value, the benchmark's, and its colour by the standard."""

    label: str
    key: str
    kind: str  # pct | ratio | int
    strategy: float | None
    benchmark: float | None
    tone: str = ""  # good | bad | neutral (by standard.tone) | "" (no comparison)
    note: str = ""


@dataclass(frozen=True)
class Edge:
    """The setup's excess forward return at the verdict horizon, with its interval when it can be judged."""

    horizon: int
    setups: int
    events: int
    episodes: int
    excess: float | None
    ci: tuple[float | None, float | None]
    p_value: float | None
    judged: bool
    beats: bool
    falls_short: bool
    word: str = NOT_ENOUGH
    tone: str = "neutral"


@dataclass(frozen=True)
class Present:
    """Decay and the present: the last 10 years against the whole history, and where each curve stands now."""

    decade_start: str | None
    decade_cagr: float | None
    decade_benchmark_cagr: float | None
    cagr: float | None
    benchmark_cagr: float | None
    drawdown_now: float | None
    benchmark_drawdown_now: float | None
    last_high: str | None
    days_since_high: int | None
    benchmark_last_high: str | None
    benchmark_days_since_high: int | None
    decade_word: str | None = None  # the strategy word of the last decade alone (None: not judged apart)
    decade_differences: list = field(default_factory=list)


@dataclass(frozen=True)
class Verdict:
    status: str
    sentences: list[str]
    headline: list[Headline] = field(default_factory=list)
    edge: Edge | None = None
    differences: list = field(default_factory=list)  # paired.Difference, whole history
    present: Present | None = None
    setup_note: str | None = None  # one line when the config is not the note's setup

    @property
    def text(self) -> str:
        """The status and the sentences on one line (report.json, the terminal summary)."""
        head = f"{_first_upper(self.status)}: "
        return head + " ".join(([_first_upper(self.setup_note) + "."] if self.setup_note else []) + self.sentences)

    def to_dict(self) -> dict:
        present = None
        if self.present is not None:
            present = {k: v for k, v in asdict(self.present).items() if k != "decade_differences"}
            present["decade_differences"] = [d.to_dict() for d in self.present.decade_differences]
        return {"status": self.status, "sentences": list(self.sentences), "text": self.text, "rules": rules(),
                "setup_note": self.setup_note,
                "headline": [asdict(h) for h in self.headline], "edge": asdict(self.edge) if self.edge else None,
                "differences": [d.to_dict() for d in self.differences], "present": present}


def setup_note(strategy: str, params: dict | None) -> str | None:
    """One line naming how a config differs from the note's setup (None: it is the note's setup, or the strategy
    has no single setting that makes it so)."""
    rule = NOTE_SETUP.get(strategy)
    if rule is None:
        return None
    key, value, line = rule
    return None if (params or {}).get(key) == value else line


def edge_of(study: EventStudy | None, horizon: int) -> Edge | None:
    if study is None or study.setups == 0:
        return None
    s = study.horizon(horizon)
    ev = standard.Evidence(s.excess_mean, s.excess_ci[0], s.excess_ci[1], s.p_value, s.clusters,
                           confidence=study.confidence)
    judged = s.p_value is not None and ev.enough
    short = judged and s.excess_ci[1] is not None and s.excess_ci[1] < 0
    return Edge(horizon, study.setups, s.events, s.clusters, s.excess_mean, tuple(s.excess_ci), s.p_value,
                judged, bool(judged and s.beats_baseline), bool(short), standard.claim_word(ev), standard.tone(ev))


def _episodes(n: int) -> str:
    return f"{n} separate episode" + ("" if n == 1 else "s")


def _days(n: int) -> str:
    return f"{n} setup day" + ("" if n == 1 else "s")


def setup_sentence(study: EventStudy | None, horizon: int, confidence: float | None = None) -> str:
    """The setup's edge at `horizon` sessions: judged with its interval, or why it cannot be judged."""
    if study is None:
        return "The event study was not run."
    if study.setups == 0:
        return "The setup never occurred in the period, so its forward returns cannot be judged."
    s = study.horizon(horizon)
    if s.events == 0:
        return f"None of the {_days(study.setups)} has {horizon} sessions of data after it, so the setup cannot be judged."
    conf = f"{study.confidence:.0%}"
    count = f"{_days(s.events)} in {_episodes(s.clusters)}"
    edge = edge_of(study, horizon)
    if not edge.judged:
        return (
            f"The setup's edge: {NOT_ENOUGH} — its {count} are too few to tell from chance (at least "
            f"{standard.MIN_EPISODES} episodes needed); their mean {horizon}-session return was {_pct(s.mean, True)} "
            f"against {_pct(s.baseline_mean, True)} on every day."
        )
    judged = {standard.HELD: f"beat the every-day baseline at {conf} confidence",
              standard.DID_NOT_HOLD: f"fell short of the every-day baseline at {conf} confidence",
              standard.CLAIM_NOT_DISTINGUISHABLE: f"was not distinguishable from the every-day baseline at {conf} "
                                                  "confidence"}[edge.word]
    return (
        f"The {horizon}-session return after the setup ({count}) {judged}: edge {_pct(s.excess_mean, True)} "
        f"({conf} interval {_pct(s.excess_ci[0], True)} to {_pct(s.excess_ci[1], True)}, p = {s.p_value:.3f})."
    )


def _diff_words(d, conf: str) -> str:
    e = d.evidence
    gap = _value(e.estimate, d.kind, True) + (" a year" if d.key in ("cagr", "matched_return") else "")
    if e.low is None:
        return f"{d.label} {_value(d.strategy, d.kind)} vs {_value(d.benchmark, d.kind)} (difference {gap}, no interval)"
    return (f"{d.label} {_value(d.strategy, d.kind)} vs {_value(d.benchmark, d.kind)} (difference {gap}, {conf} "
            f"interval {_value(e.low, d.kind, True)} to {_value(e.high, d.kind, True)})")


def _method_words() -> str:
    return {"holm": "Holm-corrected", "bh": "Benjamini-Hochberg-corrected"}[standard.MULTIPLE_TESTING]


def status_sentence(word: str, strategy: str, symbol: str, start: str, end: str, diffs: list,
                    benchmark_symbol: str | None, exposure: float | None) -> str:
    conf = f"{standard.CONFIDENCE:.0%}"
    where = f"On {symbol} from {start} to {end}, {strategy}"
    if word == NOT_ENOUGH:
        eps = diffs[0].evidence.episodes if diffs else 0
        return (f"{where} has {NOT_ENOUGH} against buy-and-hold {benchmark_symbol}: it was in the market in only "
                f"{eps} independent block{'' if eps == 1 else 's'} of days, fewer than the {standard.MIN_EPISODES} "
                "the standard needs for an interval.")
    favour = [d for d in diffs if d.evidence.sign() == 1]
    against = [d for d in diffs if d.evidence.sign() == -1]
    if word == NOT_DISTINGUISHABLE:
        body = "; ".join(_diff_words(d, conf) for d in diffs if d.key in ("sharpe", "cagr"))
        return (f"{where} is {NOT_DISTINGUISHABLE} {benchmark_symbol} after costs: no difference is significant at "
                f"{conf} ({_method_words()} over the {len(diffs)} tested) — {body}.")
    parts = []
    if favour:
        parts.append("in its favour, " + "; ".join(_diff_words(d, conf) for d in favour))
    if against:
        parts.append("against it, " + "; ".join(_diff_words(d, conf) for d in against))
    verb = {PAID_OFF: f"{PAID_OFF} against", DID_NOT_PAY_OFF: f"{DID_NOT_PAY_OFF} against",
            MIXED: f"is {MIXED} against"}[word]
    time_in = f" (in the market {_pct(exposure)} of the time)" if exposure is not None else ""
    return f"{where}{time_in} {verb} buy-and-hold {benchmark_symbol} after costs, significantly " + \
        "; and ".join(parts) + "."


def _now(r) -> tuple[float | None, str | None, int | None]:
    """Current drawdown, date of the last equity high and calendar days since it."""
    import numpy as np

    if r is None or len(r) == 0:
        return None, None, None
    wealth = np.cumprod(1.0 + np.nan_to_num(np.asarray(r, dtype=float)))
    peak = np.maximum.accumulate(np.maximum(wealth, 1.0))
    at_high = np.flatnonzero(wealth >= peak)
    dd = float(wealth[-1] / peak[-1] - 1.0)
    if len(at_high) == 0:
        return dd, None, None
    idx = r.index
    last = idx[at_high[-1]]
    return dd, str(last.date()), int((idx[-1] - last).days)


def present_of(returns, benchmark_returns, exposure: float | None, ppy: int, seed: int, word: str) -> Present:
    from rtybt.engine.analysis.run import paired

    def cagr(x):
        import numpy as np

        return None if x is None or len(x) == 0 else float(np.expm1(ppy * np.log1p(np.asarray(x)).mean()))

    dd, high, days = _now(returns)
    b_dd, b_high, b_days = _now(benchmark_returns)
    decade = returns.iloc[-DECADE_DAYS:] if len(returns) >= DECADE_MIN_HISTORY else None
    b_decade = benchmark_returns.loc[decade.index] if decade is not None and benchmark_returns is not None else None
    decade_word, diffs = None, []
    if b_decade is not None:
        diffs = [d for d in paired.differences(decade.values, b_decade.values, exposure, ppy, seed, draws=0)
                 if d.key in ("sharpe", "cagr", "matched_return")]
        decade_word = standard.strategy_word([d.evidence for d in diffs])
    return Present(str(decade.index[0].date()) if decade is not None else None, cagr(decade), cagr(b_decade),
                   cagr(returns), cagr(benchmark_returns), dd, b_dd, high, days, b_high, b_days, decade_word, diffs)


def decade_sentence(word: str, p: Present, benchmark_symbol: str | None) -> str | None:
    """The last 10 years against the whole history, and what their interval says about the edge."""
    if p.decade_start is None:
        return None
    head = (f"Last 10 years (from {p.decade_start}): {_pct(p.decade_cagr)} a year against {_pct(p.decade_benchmark_cagr)}"
            f" for buy-and-hold {benchmark_symbol or ''}".rstrip() +
            f" (whole history {_pct(p.cagr)} vs {_pct(p.benchmark_cagr)})")
    dw = p.decade_word
    if dw == DID_NOT_PAY_OFF or (dw == MIXED and word == PAID_OFF):
        worst = [d for d in p.decade_differences if d.evidence.sign() == -1]
        what = "; ".join(_diff_words(d, f"{standard.CONFIDENCE:.0%}") for d in worst)
        tail = "the edge has reversed" if word in (PAID_OFF, MIXED) else "it trailed buy-and-hold significantly"
        return f"{head}: {tail} in the last decade — {what}."
    if word == PAID_OFF and dw in (NOT_DISTINGUISHABLE, NOT_ENOUGH):
        return f"{head}: the edge is gone — the last decade alone is {dw}."
    if dw is None:
        return head + "."
    return f"{head}; the last decade alone: {dw}."


def present_sentence(p: Present, benchmark_symbol: str | None) -> str | None:
    if p.drawdown_now is None:
        return None
    if p.drawdown_now >= 0:
        mine = "The strategy is at an equity high on the last bar"
    else:
        mine = (f"Now: the strategy is {_pct(-p.drawdown_now)} below its last equity high of {p.last_high} "
                f"({p.days_since_high:,} days ago)")
    if p.benchmark_drawdown_now is None:
        return mine + "."
    bench = ("at its high" if p.benchmark_drawdown_now >= 0 else
             f"{_pct(-p.benchmark_drawdown_now)} below its high of {p.benchmark_last_high}")
    return f"{mine}; buy-and-hold {benchmark_symbol} is {bench}."


def headline(metrics: dict, benchmark: dict | None, diffs: list) -> list[Headline]:
    b = benchmark or {}
    by_key = {d.key: d for d in diffs}
    rows = []
    exposure = metrics.get("exposure")
    for label, key, kind in (("CAGR", "cagr", "pct"), ("Sharpe", "sharpe", "ratio"),
                             ("worst drawdown", "max_drawdown", "pct"), ("time in the market", "exposure", "pct"),
                             ("trades", "trades", "int")):
        s_val, b_val = metrics.get(key), (b.get(key) if key != "trades" else None)  # buy-and-hold never trades
        d = by_key.get(key)
        tone = standard.tone(d.evidence) if d is not None and benchmark else ""
        note = ""
        if key == "max_drawdown" and exposure is not None and d is not None:
            note = (f"while in the market {_pct(exposure)} of the time; buy-and-hold at that exposure: "
                    f"{_pct(d.benchmark)}")
        rows.append(Headline(label, key, kind, s_val, b_val, tone, note))
    return rows


def judge(strategy: str, symbol: str, start: str, end: str, metrics: dict, benchmark: dict | None,
          benchmark_symbol: str | None, study: EventStudy | None, horizon: int, returns=None,
          benchmark_returns=None, params: dict | None = None, ppy: int = 252, seed: int = 0) -> Verdict:
    """The status (by the standard), its sentences, the headline numbers, the decade and the present."""
    from rtybt.engine.analysis.run import paired

    edge = edge_of(study, horizon)
    exposure = metrics.get("exposure")
    diffs, present = [], None
    if benchmark and returns is not None and benchmark_returns is not None:
        b = benchmark_returns.reindex(returns.index)
        diffs = paired.differences(returns.values, b.values, exposure, ppy, seed)
        word = standard.strategy_word([d.evidence for d in diffs])
        present = present_of(returns, b, exposure, ppy, seed, word)
        sentences = [status_sentence(word, strategy, symbol, start, end, diffs, benchmark_symbol, exposure)]
        sentences += [s for s in (decade_sentence(word, present, benchmark_symbol),
                                  present_sentence(present, benchmark_symbol)) if s]
    else:
        word = NOT_ENOUGH
        sentences = [f"On {symbol} from {start} to {end}, {strategy} compounded at {_pct(metrics.get('cagr'))} a year "
                     f"after costs; no buy-and-hold benchmark was run, so it is not judged against one."]
    sentences.append(setup_sentence(study, horizon))
    return Verdict(word, sentences, headline(metrics, benchmark, diffs), edge, diffs, present,
                   setup_note(strategy, params))


def verdict(strategy: str, symbol: str, start: str, end: str, metrics: dict, benchmark: dict | None,
            benchmark_symbol: str | None, study: EventStudy | None, horizon: int, **kwargs) -> str:
    """The verdict as one line of text (kept for callers that want a string)."""
    return judge(strategy, symbol, start, end, metrics, benchmark, benchmark_symbol, study, horizon, **kwargs).text


def not_judged(answer: Verdict, finding: str) -> Verdict:
    """The verdict withheld: the look-ahead harness found the strategy reading later bars (`finding`)."""
    from dataclasses import replace

    first = (f"The strategy's decisions change when later bars are removed ({finding}): its numbers use bars "
             "it could not have known.")
    # No tile is coloured better or worse than buy-and-hold: none of these numbers is a result.
    return replace(answer, status=LOOKAHEAD, sentences=[first, answer.sentences[0]],
                   headline=[replace(h, tone="", note="") for h in answer.headline], setup_note=None)
