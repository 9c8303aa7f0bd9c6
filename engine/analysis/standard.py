"""Analysis stage: rtybt's one standard of evidence — the verdict words, and the interval rule behind each.

Every verdict on every page and terminal summary is a word defined here, chosen by a function defined here,
from an interval (an estimate, its lower and upper bound at `CONFIDENCE`, a p-value and the number of
independent episodes behind it). A page never writes a verdict word of its own: it imports the word, and the
"How rtybt judges" section every page links to is generated from `how_we_judge()`, so a threshold changed here
changes every page.

The rule, in one paragraph: a difference counts only when its whole interval lies on one side of zero (two-sided
p below 1 - CONFIDENCE), after the family's multiple-testing correction when a page tests several things at once,
and only when at least `MIN_EPISODES` independent episodes stand behind it. Otherwise the honest words are
"not distinguishable" (enough data, no clear difference: the interval says by how much it could differ) or
"not enough evidence" (too few episodes to draw an interval at all).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CONFIDENCE = 0.95
# Below this many independent episodes (clusters of overlapping windows, distinct market episodes, separate
# trades' episodes) an interval says more about the few draws than about the market: no interval, no verdict.
MIN_EPISODES = 10
# Family-wise error control where a page tests several things at once (regime splits, markets, ranks, a note's
# claims). "holm" (Holm 1979) controls the chance of any false "held"; "bh" (Benjamini-Hochberg 1995) controls
# the expected share of false ones and is used only where a page says so.
MULTIPLE_TESTING = "holm"
REFERENCES = (
    "Ledoit, O. and Wolf, M. (2008), Robust performance hypothesis testing with the Sharpe ratio, "
    "Journal of Empirical Finance 15(5)",
    "Politis, D. and Romano, J. (1994), The stationary bootstrap, JASA 89(428)",
    "Newey, W. and West, K. (1987), A simple, positive semi-definite, heteroskedasticity and autocorrelation "
    "consistent covariance matrix, Econometrica 55(3)",
    "Hansen, P. R. (2005), A test for superior predictive ability, JBES 23(4)",
    "Bailey, D. and López de Prado, M. (2014), The deflated Sharpe ratio, Journal of Portfolio Management 40(5)",
    "Holm, S. (1979), A simple sequentially rejective multiple test procedure, Scand. J. Statistics 6(2)",
)

# A strategy against its benchmark (buy-and-hold of the same market, same costs).
PAID_OFF = "paid off"
DID_NOT_PAY_OFF = "did not pay off"
MIXED = "mixed"
NOT_DISTINGUISHABLE = "not distinguishable from buy-and-hold"
NOT_ENOUGH = "not enough evidence"
LOOKAHEAD = "look-ahead: not judged"
STRATEGY_WORDS = (PAID_OFF, DID_NOT_PAY_OFF, MIXED, NOT_DISTINGUISHABLE, NOT_ENOUGH, LOOKAHEAD)

# A claim (a setup's edge over its every-day baseline, a note's claim, a regime split, an analog share).
HELD = "held"
DID_NOT_HOLD = "did not hold"
CLAIM_NOT_DISTINGUISHABLE = "not distinguishable"
CLAIM_WORDS = (HELD, DID_NOT_HOLD, CLAIM_NOT_DISTINGUISHABLE, NOT_ENOUGH)

# The best of many variants, after data snooping (reality check / SPA against the benchmark).
MORE_THAN_LUCK = "more than luck"
NOT_MORE_THAN_LUCK = "not more than luck"
SNOOPING_WORDS = (MORE_THAN_LUCK, NOT_MORE_THAN_LUCK, NOT_ENOUGH)

WORDS = STRATEGY_WORDS + tuple(w for w in CLAIM_WORDS + SNOOPING_WORDS if w not in STRATEGY_WORDS)

def meanings() -> dict[str, str]:
    """What each verdict word means, stated from the current thresholds."""
    return {
        PAID_OFF: "at least one difference against buy-and-hold (Sharpe, CAGR, drawdown at matched exposure, "
                  "exposure-matched return) is "
                  "significantly in the strategy's favour and none significantly against it",
        DID_NOT_PAY_OFF: "at least one difference against buy-and-hold is significantly against the strategy and "
                         "none significantly in its favour",
        MIXED: "one difference is significantly for the strategy and another significantly against it",
        NOT_DISTINGUISHABLE: "every difference against buy-and-hold has an interval that contains zero: the data cannot "
                             "tell the strategy from holding the market (the intervals say by how much it could differ)",
        NOT_ENOUGH: f"fewer than {MIN_EPISODES} independent episodes: too few to draw an interval",
        LOOKAHEAD: "the strategy read bars after the one it traded on, so its results are not judged",
        HELD: "the claim's interval lies wholly on the claimed side, after the family's multiple-testing correction",
        DID_NOT_HOLD: "the interval lies wholly on the other side of the claim, after the correction",
        CLAIM_NOT_DISTINGUISHABLE: "the interval contains the baseline (or the correction removes the difference)",
        MORE_THAN_LUCK: "the best variant beats buy-and-hold even after accounting for how many variants were tried "
                        "(reality-check p below the threshold)",
        NOT_MORE_THAN_LUCK: "after accounting for how many variants were tried, the best variant is not distinguishable "
                            "from buy-and-hold",
    }


@dataclass(frozen=True)
class Evidence:
    """One tested difference: an estimate, its interval at `confidence`, its p-value and its episode count.

    `low`/`high`/`p_value` are None when no interval could be drawn. `p_adjusted` is the family-corrected
    p-value when the difference is one of a tested family (None: tested alone).
    """

    estimate: float | None
    low: float | None
    high: float | None
    p_value: float | None
    episodes: int
    confidence: float | None = None  # None: the standard's CONFIDENCE at the time of judging
    p_adjusted: float | None = None

    @property
    def enough(self) -> bool:
        return self.episodes >= MIN_EPISODES and self.low is not None and self.high is not None

    @property
    def p(self) -> float | None:
        """The p-value the verdict uses: the adjusted one in a family, the raw one alone."""
        return self.p_adjusted if self.p_adjusted is not None else self.p_value

    def sign(self) -> int | None:
        """+1 significantly above zero, -1 significantly below, 0 not distinguishable, None not enough evidence."""
        if not self.enough:
            return None
        above, below = self.low > 0, self.high < 0
        conf = CONFIDENCE if self.confidence is None else self.confidence
        if self.p_adjusted is not None and self.p_adjusted >= 1.0 - conf:
            return 0
        return 1 if above else -1 if below else 0


def claim_word(evidence: Evidence, claimed_sign: int = 1) -> str:
    """held / did not hold / not distinguishable / not enough evidence, for a claim that the difference has
    `claimed_sign` (+1: above the baseline; -1: below it)."""
    s = evidence.sign()
    if s is None:
        return NOT_ENOUGH
    if s == 0:
        return CLAIM_NOT_DISTINGUISHABLE
    return HELD if s == claimed_sign else DID_NOT_HOLD


def strategy_word(differences: Sequence[Evidence], lookahead: bool = False) -> str:
    """The strategy's status from its differences against buy-and-hold, each oriented so that above zero is
    in the strategy's favour (a shallower drawdown is a positive difference)."""
    if lookahead:
        return LOOKAHEAD
    signs = [d.sign() for d in differences]
    if not signs or all(s is None for s in signs):
        return NOT_ENOUGH
    favour, against = any(s == 1 for s in signs), any(s == -1 for s in signs)
    if favour and against:
        return MIXED
    if favour:
        return PAID_OFF
    if against:
        return DID_NOT_PAY_OFF
    return NOT_DISTINGUISHABLE


def snooping_word(p_value: float | None, tries: int) -> str:
    """more than luck / not more than luck, from a reality-check (SPA) p-value over `tries` variants."""
    if p_value is None or tries < 1:
        return NOT_ENOUGH
    return MORE_THAN_LUCK if p_value < 1.0 - CONFIDENCE else NOT_MORE_THAN_LUCK


def tone(evidence: Evidence, favourable_sign: int = 1) -> str:
    """The colour class a page gives a difference: 'good'/'bad' only when significant by the standard, else
    'neutral' (grey)."""
    s = evidence.sign()
    if not s:
        return "neutral"
    return "good" if s == favourable_sign else "bad"


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values (None stays None and is not counted in the family)."""
    idx = [i for i, p in enumerate(p_values) if p is not None]
    m = len(idx)
    out: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, i in enumerate(sorted(idx, key=lambda i: p_values[i])):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        out[i] = running
    return out


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float | None]:
    """Benjamini-Hochberg step-up adjusted p-values (None stays None and is not counted in the family)."""
    idx = [i for i, p in enumerate(p_values) if p is not None]
    m = len(idx)
    out: list[float | None] = [None] * len(p_values)
    running = 1.0
    for rank, i in reversed(list(enumerate(sorted(idx, key=lambda i: p_values[i]), start=1))):
        running = min(running, p_values[i] * m / rank)
        out[i] = min(1.0, running)
    return out


def adjust(p_values: Sequence[float | None], method: str = MULTIPLE_TESTING) -> list[float | None]:
    """The family's adjusted p-values by the standard's rule (or `method`: 'holm' or 'bh')."""
    if method == "holm":
        return holm(p_values)
    if method == "bh":
        return benjamini_hochberg(p_values)
    raise ValueError(f"unknown multiple-testing method {method!r} (holm or bh)")


def how_we_judge() -> list[str]:
    """The "How rtybt judges" section, as plain paragraphs (pages and the README render it)."""
    conf = f"{CONFIDENCE:.0%}"
    method = {"holm": "Holm's step-down correction", "bh": "the Benjamini-Hochberg correction"}[MULTIPLE_TESTING]
    paras = [
        f"Every verdict comes from a {conf} interval. A difference counts only when its whole interval lies on one "
        f"side of zero, and only when at least {MIN_EPISODES} independent episodes stand behind it; where a page "
        f"tests a family of things at once (regimes, markets, variants, a note's claims), {method} is applied "
        "and the raw and adjusted p-values are shown side by side.",
        "Differences against buy-and-hold are computed on the paired daily returns: Sharpe, CAGR and the return "
        "beyond holding the market for the same share of the time with a Newey-West (HAC) delta-method interval "
        "(Ledoit and Wolf 2008), the worst drawdown against buy-and-hold scaled to the strategy's time in the market "
        "with a seeded stationary bootstrap; both keep the returns' autocorrelation and volatility clustering, and "
        "the four are corrected together. The last 10 years are judged apart on the card. The best of a sweep is "
        "judged against buy-and-hold after accounting for every variant tried (Hansen's SPA test), its deflated "
        "Sharpe against buy-and-hold's Sharpe.",
        f"A share (a hit rate, target before stop, the analogs' 'higher after N') is shown with its count of "
        f"independent episodes and its {conf} interval; below {MIN_EPISODES} episodes it is greyed as "
        "'too few episodes', never a bare percentage. Green and red mark only differences that are significant by "
        "this standard; everything else is grey.",
    ]
    words = meanings()
    paras += [f"“{w}”: {words[w]}." for w in WORDS]
    return paras


def share_interval(successes: int, episodes: int, confidence: float | None = None) -> tuple[float, float] | None:
    """Wilson score interval of a share of independent episodes at `confidence` (the standard's by default), or
    None below MIN_EPISODES: too few episodes for a share to be shown as a number."""
    from statistics import NormalDist

    if episodes < MIN_EPISODES or episodes <= 0:
        return None
    conf = CONFIDENCE if confidence is None else confidence
    z = NormalDist().inv_cdf(0.5 + conf / 2.0)
    p = successes / episodes
    denom = 1.0 + z * z / episodes
    centre = (p + z * z / (2 * episodes)) / denom
    half = z * ((p * (1 - p) / episodes + z * z / (4 * episodes * episodes)) ** 0.5) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def share_words(successes: int, episodes: int, interval: tuple | None = None, what: str = "") -> str:
    """A share with its count and interval ("14 of 20 (70%, 95% interval 48% to 85%)"), or its refusal below
    MIN_EPISODES ("2 of 3: too few episodes (10 needed)"), never a bare percentage."""
    ci = interval if interval is not None and None not in interval else share_interval(successes, episodes)
    head = f"{successes} of {episodes}{' ' + what if what else ''}"
    if episodes < MIN_EPISODES or ci is None:
        return f"{head}: too few episodes ({MIN_EPISODES} needed)"
    return f"{head} ({successes / episodes:.0%}, {CONFIDENCE:.0%} interval {ci[0]:.0%} to {ci[1]:.0%})"


README_START = "<!-- how-we-judge: generated by engine/analysis/standard.py readme_section(); a test holds it -->"
README_END = "<!-- /how-we-judge -->"


def readme_section() -> str:
    """The README's "How rtybt judges" section (markdown), from the same paragraphs every page shows."""
    paras = how_we_judge()
    lead = [p for p in paras if not p.startswith("“")]
    words = [p for p in paras if p.startswith("“")]
    lines = [README_START, "## How rtybt judges", ""]
    for p in lead:
        lines += [p, ""]
    lines += ["What each verdict word means:", ""]
    lines += [f"- {w}" for w in words]
    lines += ["", "References:", ""]
    lines += [f"- {r}" for r in REFERENCES]
    lines += ["", "The thresholds live in `engine/analysis/standard.py` (`CONFIDENCE`, `MIN_EPISODES`, "
              "`MULTIPLE_TESTING`); every page ends with this section, generated from them, and "
              "`python benchmarks/verdict_error_rates.py` checks the error rates on synthetic markets where the truth "
              "is known.", README_END]
    return "\n".join(lines)
