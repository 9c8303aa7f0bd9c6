"""Analysis stage: the report's answer (a status and two sentences), derived from the numbers, never written by hand.

Return and risk are weighed together: the strategy is judged against buy-and-hold on CAGR (return),
Sharpe (return per unit of risk) and maximum drawdown (the worst loss a holder sat through), and the
setup itself on its event-study edge with its cluster-bootstrap interval. Pure: numbers in, words out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rtybt.engine.analysis.bootstrap import MIN_CLUSTERS
from rtybt.engine.analysis.event_study import EventStudy

PAID_OFF = "paid off"
MIXED = "mixed"
DID_NOT = "did not pay off"
NOT_ENOUGH = "not enough evidence"
# A strategy that reads bars it could not have seen (the look-ahead harness says so) is never judged.
LOOKAHEAD = "look-ahead: not judged"
STATUSES = (PAID_OFF, MIXED, DID_NOT, NOT_ENOUGH, LOOKAHEAD)
# Below this many closed trades a comparison of CAGR and Sharpe rests on a handful of outcomes.
MIN_TRADES = 10

RULES = (
    f"'{PAID_OFF}': beat buy-and-hold after costs on both CAGR and Sharpe, and the setup's edge is not below "
    f"zero at the stated confidence. '{MIXED}': ahead on one of return or risk, behind on the other (or the "
    f"setup's edge is significantly negative). '{DID_NOT}': behind on both CAGR and Sharpe. "
    f"'{NOT_ENOUGH}': fewer than {MIN_TRADES} closed trades and no judgeable event study, or no benchmark and "
    f"no judgeable event study. '{LOOKAHEAD}': the strategy's decisions change when later bars are removed "
    "(it read the future), so its numbers are no result (run only with --allow-lookahead)."
)


def _pct(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "n/a"
    text = f"{x:+.2%}" if signed else f"{x:.2%}"
    return text.replace("-", "−")


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}".replace("-", "−")


def _gt(a: float | None, b: float | None) -> bool | None:
    return None if a is None or b is None else a > b


@dataclass(frozen=True)
class Headline:
    """One number of the verdict card: the strategy's value, the benchmark's, and which is better."""

    label: str
    key: str
    kind: str  # pct | ratio | int
    strategy: float | None
    benchmark: float | None
    better: bool | None = None  # strategy better than benchmark (None: no comparison)


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


@dataclass(frozen=True)
class Verdict:
    status: str
    sentences: list[str]
    headline: list[Headline] = field(default_factory=list)
    edge: Edge | None = None

    @property
    def text(self) -> str:
        """The status and the sentences on one line (report.json, the terminal summary)."""
        return f"{self.status.capitalize()}: " + " ".join(self.sentences)

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return {"status": self.status, "sentences": list(self.sentences), "text": self.text, "rules": RULES,
                "headline": [asdict(h) for h in self.headline], "edge": asdict(self.edge) if self.edge else None}


def beat_benchmark(metrics: dict, benchmark: dict | None) -> bool | None:
    """True when the strategy's CAGR after costs is above the benchmark's; None without a comparison."""
    if not benchmark:
        return None
    return _gt(metrics.get("cagr"), benchmark.get("cagr"))


def edge_of(study: EventStudy | None, horizon: int) -> Edge | None:
    if study is None or study.setups == 0:
        return None
    s = study.horizon(horizon)
    judged = s.p_value is not None
    short = judged and s.excess_ci[1] is not None and s.excess_ci[1] < 0
    return Edge(horizon, study.setups, s.events, s.clusters, s.excess_mean, tuple(s.excess_ci), s.p_value,
                judged, bool(s.beats_baseline), bool(short))


def return_and_risk_sentence(strategy: str, symbol: str, start: str, end: str, metrics: dict,
                             benchmark: dict | None, benchmark_symbol: str | None) -> str:
    """Return and risk in one sentence: CAGR, then Sharpe and maximum drawdown, strategy vs buy-and-hold."""
    cagr = _pct(metrics.get("cagr"))
    if not benchmark:
        return (f"On {symbol} from {start} to {end}, {strategy} compounded at {cagr} a year after costs, with a "
                f"Sharpe of {_num(metrics.get('sharpe'))} and a worst drawdown of {_pct(metrics.get('max_drawdown'))} "
                "(no benchmark was run).")
    more = bool(beat_benchmark(metrics, benchmark))
    sharpe_better = bool(_gt(metrics.get("sharpe"), benchmark.get("sharpe")))
    dd_better = bool(_gt(metrics.get("max_drawdown"), benchmark.get("max_drawdown")))  # drawdowns are negative
    sharpe = f"{_num(metrics.get('sharpe'))} vs {_num(benchmark.get('sharpe'))}"
    dd = f"{_pct(metrics.get('max_drawdown'))} vs {_pct(benchmark.get('max_drawdown'))}"
    head = (f"On {symbol} from {start} to {end}, {strategy} earned {'more' if more else 'less'} than buy-and-hold "
            f"{benchmark_symbol} after costs (CAGR {cagr} vs {_pct(benchmark.get('cagr'))} a year)")
    if sharpe_better == dd_better:
        joint = "and" if more == sharpe_better else "but"
        risk = "less risk" if sharpe_better else "more risk"
        return f"{head} {joint} with {risk} (Sharpe {sharpe}; worst drawdown {dd})."
    return (f"{head}, with a {'higher' if sharpe_better else 'lower'} Sharpe ({sharpe}) but a "
            f"{'shallower' if dd_better else 'deeper'} worst drawdown ({dd}).")


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
    if s.p_value is None:
        return (
            f"The setup's edge cannot be judged: its {count} are too few to tell from chance (at least "
            f"{MIN_CLUSTERS} episodes needed); their mean {horizon}-session return was {_pct(s.mean, True)} "
            f"against {_pct(s.baseline_mean, True)} on every day."
        )
    if s.beats_baseline:
        judged = f"beat the every-day baseline at {conf} confidence"
    elif s.excess_ci[1] is not None and s.excess_ci[1] < 0:
        judged = f"fell short of the every-day baseline at {conf} confidence"
    else:
        judged = f"was not distinguishable from the every-day baseline at {conf} confidence"
    return (
        f"The {horizon}-session return after the setup ({count}) {judged}: edge {_pct(s.excess_mean, True)} "
        f"({conf} interval {_pct(s.excess_ci[0], True)} to {_pct(s.excess_ci[1], True)}, p = {s.p_value:.3f})."
    )


def status_of(metrics: dict, benchmark: dict | None, edge: Edge | None) -> str:
    judged = edge is not None and edge.judged
    trades = metrics.get("trades") or 0
    if (trades < MIN_TRADES and not judged) or (not benchmark and not judged):
        return NOT_ENOUGH
    if not benchmark:
        return PAID_OFF if edge.beats else DID_NOT if edge.falls_short else MIXED
    more = beat_benchmark(metrics, benchmark)
    sharpe_better = _gt(metrics.get("sharpe"), benchmark.get("sharpe"))
    if more and sharpe_better:
        return MIXED if judged and edge.falls_short else PAID_OFF
    if not more and not sharpe_better:
        return DID_NOT
    return MIXED


def headline(metrics: dict, benchmark: dict | None, edge: Edge | None) -> list[Headline]:
    b = benchmark or {}
    rows = []
    for label, key, kind, larger_better in (("CAGR", "cagr", "pct", True), ("Sharpe", "sharpe", "ratio", True),
                                            ("worst drawdown", "max_drawdown", "pct", True),
                                            ("time in the market", "exposure", "pct", None),
                                            ("trades", "trades", "int", None)):
        s_val, b_val = metrics.get(key), (b.get(key) if key != "trades" else None)  # buy-and-hold never trades
        better = _gt(s_val, b_val) if larger_better and benchmark else None
        rows.append(Headline(label, key, kind, s_val, b_val, better))
    return rows


def judge(strategy: str, symbol: str, start: str, end: str, metrics: dict, benchmark: dict | None,
          benchmark_symbol: str | None, study: EventStudy | None, horizon: int) -> Verdict:
    """The status, two sentences (return and risk; the setup's edge) and the headline numbers."""
    edge = edge_of(study, horizon)
    sentences = [return_and_risk_sentence(strategy, symbol, start, end, metrics, benchmark, benchmark_symbol),
                 setup_sentence(study, horizon)]
    trades = metrics.get("trades") or 0
    if trades < MIN_TRADES:
        sentences.append(f"Only {trades} trade{'' if trades == 1 else 's'} closed: too few to rank it on return alone.")
    return Verdict(status_of(metrics, benchmark, edge), sentences, headline(metrics, benchmark, edge), edge)


def verdict(strategy: str, symbol: str, start: str, end: str, metrics: dict, benchmark: dict | None,
            benchmark_symbol: str | None, study: EventStudy | None, horizon: int) -> str:
    """The verdict as one line of text (kept for callers that want a string)."""
    return judge(strategy, symbol, start, end, metrics, benchmark, benchmark_symbol, study, horizon).text


def not_judged(answer: Verdict, finding: str) -> Verdict:
    """The verdict withheld: the look-ahead harness found the strategy reading later bars (`finding`)."""
    first = (f"The strategy's decisions change when later bars are removed ({finding}): its numbers use bars "
             "it could not have known.")
    from dataclasses import replace

    # No tile is coloured better or worse than buy-and-hold: none of these numbers is a result.
    return Verdict(LOOKAHEAD, [first, answer.sentences[0]], [replace(h, better=None) for h in answer.headline],
                   answer.edge)
