"""Analysis stage: the study page's one-sentence answer — where the setup's edge shows, derived from the intervals."""

from __future__ import annotations

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.event_study import HorizonStats
from rtybt.engine.analysis.study.cross_market import Interval, PooledHorizon

# Symbols that are small-cap indices, futures or funds: "specific to small caps" needs every one of them
# in the study to show the edge and every other market not to.
SMALL_CAPS = frozenset({"^RUT", "RTY=F", "IWM", "IWN", "IWO", "VTWO", "^RUJ", "^RUO", "^SML", "IJR"})


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:+.2%}"


def ci_text(ci, confidence: float) -> str:
    low, high = ci
    if low is None or high is None:
        return f"no {confidence:.0%} interval (fewer than {standard.MIN_EPISODES} clusters)"
    return f"{confidence:.0%} CI {pct(low)} to {pct(high)}"


def interval_text(interval: Interval, confidence: float) -> str:
    if not interval.judged:
        return f"{pct(interval.estimate)}, {ci_text((None, None), confidence)}"
    return f"{pct(interval.estimate)}, {ci_text(interval.ci, confidence)}, p = {interval.p_value:.3f}"


def _names(symbols: list[str]) -> str:
    return ", ".join(symbols[:-1]) + f" and {symbols[-1]}" if len(symbols) > 1 else symbols[0]


def market_p_adjusted(markets: dict[str, HorizonStats]) -> dict[str, float | None]:
    """Each market's excess p-value corrected over the family of markets (standard.MULTIPLE_TESTING)."""
    return dict(zip(markets, standard.adjust([s.p_value for s in markets.values()]), strict=True))


def classify(markets: dict[str, HorizonStats], pooled: PooledHorizon) -> tuple[str, list[str]]:
    """(kind, markets whose setups beat their baseline): kind is one of shared, small caps, traded only,
    some, pooled only, absent, unjudged (no market and not the pool has enough clusters). A market beats its baseline
    when its whole excess interval is above zero and its p-value, corrected over the markets by the standard's
    multiple-testing rule, is below 1 - confidence."""
    adjusted = market_p_adjusted(markets)
    conf = standard.CONFIDENCE
    with_edge = [m for m, s in markets.items() if s.beats_baseline and adjusted[m] is not None
                 and adjusted[m] < 1.0 - conf]
    small = [m for m in markets if m in SMALL_CAPS]
    if not pooled.excess.judged and all(s.p_value is None for s in markets.values()):
        return "unjudged", with_edge
    if not with_edge:
        return ("pooled only" if pooled.excess.above_zero else "absent"), with_edge
    if len(with_edge) == len(markets):
        return "shared", with_edge
    if small and len(small) < len(markets) and set(with_edge) == set(small):
        return "small caps", with_edge
    if with_edge == [pooled.traded]:
        return "traded only", with_edge
    return "some", with_edge


def study_verdict(markets: dict[str, HorizonStats], pooled: PooledHorizon, horizon: int, confidence: float
                  ) -> tuple[str, str]:
    """(kind, sentence) at `horizon`, from the per-market and pooled intervals."""
    kind, with_edge = classify(markets, pooled)
    n = len(markets)
    without = [m for m in markets if m not in with_edge]
    head = f"The setup's {horizon}-session edge"
    if kind == "shared":
        claim = f"is shared by all {n} markets ({_names(with_edge)} each beat their own baseline)"
    elif kind == "small caps":
        claim = f"is specific to small caps: it shows on {_names(with_edge)} but not on {_names(without)}"
    elif kind == "traded only":
        claim = f"is specific to {pooled.traded}: it shows there but not on {_names(without)}"
    elif kind == "some":
        claim = f"shows on {_names(with_edge)} only, not on {_names(without)}"
    elif kind == "pooled only":
        claim = f"shows on no single market, but pooled across all {n} the setups beat the baseline"
    elif kind == "unjudged":
        claim = (f"cannot be judged: neither any market's setups nor the {n} pooled form the {standard.MIN_EPISODES} "
                 "clusters an interval needs")
    else:
        claim = f"is absent everywhere: no market's setups beat their own baseline, nor do the {n} pooled"
    unjudged = [m for m, s in markets.items() if s.p_value is None]
    if kind == "absent" and unjudged:
        claim = (f"is absent wherever it can be judged: no judged market's setups beat their own baseline, "
                 f"nor do the {n} pooled")
    refused = f"; {_names(unjudged)} cannot be judged (fewer than {standard.MIN_EPISODES} clusters)" if unjudged else ""
    if kind == "unjudged":
        return kind, f"{head} {claim}."
    diff = pooled.difference
    if not diff.judged:
        versus = f"{pooled.traded} against the others cannot be judged (too few clusters on one side)"
    else:
        shown = "a difference" if (diff.above_zero or diff.below_zero) else "no difference shown"
        versus = f"{pooled.traded}'s excess minus the others' {interval_text(diff, confidence)}: {shown}"
    method = {"holm": "Holm", "bh": "Benjamini-Hochberg"}[standard.MULTIPLE_TESTING]
    return kind, (f"{head} {claim}{refused} (at {confidence:.0%} confidence, {method}-corrected over the {n} markets; "
                  "pooled excess "
                  f"{interval_text(pooled.excess, confidence)}; {versus}).")


def regime_sentence(rows: list[dict], where: str, horizon: int, confidence: float) -> str:
    """Which regime levels' excess differs from the rest's after the family's correction (standard.MULTIPLE_TESTING
    over the comparisons), counting the comparisons. A two-level split is one comparison."""
    compared, found = 0, []
    for kind in dict.fromkeys(r["regime"] for r in rows):
        levels = [r for r in rows if r["regime"] == kind and r["level"] != "no label"]
        for r in levels[:1] if len(levels) == 2 else levels:
            low, high = r["difference_ci"]
            if low is None or high is None:
                continue
            compared += 1
            ev = standard.Evidence(r["difference"], low, high, r["difference_p_value"], standard.MIN_EPISODES,
                                   confidence, r.get("difference_p_adjusted"))
            if ev.sign():
                found.append(f"{r['level']} ({pct(r['difference'])} against the rest, {ci_text((low, high), confidence)}, "
                             f"p {r['difference_p_value']:.3f}, adjusted {r['difference_p_adjusted']:.3f})")
    head = f"By regime ({where}, {horizon} sessions)"
    method = {"holm": "Holm", "bh": "Benjamini-Hochberg"}[standard.MULTIPLE_TESTING]
    if compared == 0:
        return f"{head}: no split has enough clusters on both sides to be compared."
    if not found:
        return (f"{head}: no split's excess differs from the rest's at {confidence:.0%} confidence after {method}'s "
                f"correction for the {compared} comparisons.")
    return f"{head}: {'; '.join(found)} — {len(found)} of {compared} comparisons, after {method}'s correction."


def focus_sentence(rows: list[dict], focus: tuple[str, str], traded: str, horizon: int, confidence: float) -> str:
    """The split the note's setup lives in, on the traded market, with its raw and adjusted figures and its word."""
    regime, level = focus
    row = next((r for r in rows if r["scope"] == traded and r["horizon"] == horizon and r["regime"] == regime
                and r["level"] == level), None)
    if row is None or row["excess_ci"][0] is None:
        return (f"The note's own setting ({level}) on {traded} cannot be judged: fewer than {standard.MIN_EPISODES} "
                "clusters.")
    family = sum(1 for r in rows if r["scope"] == traded and r["horizon"] == horizon and r["level"] != "no label"
                 and r["p_value"] is not None)
    ev = standard.Evidence(row["excess_mean"], row["excess_ci"][0], row["excess_ci"][1], row["p_value"],
                           int(row["clusters"] or 0), confidence, row.get("p_adjusted"))
    method = {"holm": "Holm", "bh": "Benjamini-Hochberg"}[standard.MULTIPLE_TESTING]
    return (f"The note's own setting, {level}, on {traded}: excess {pct(row['excess_mean'])} "
            f"({ci_text(tuple(row['excess_ci']), confidence)}), p {row['p_value']:.3f}, {method}-adjusted p "
            f"{row['p_adjusted']:.3f} over the {family} regime levels tested: {standard.claim_word(ev)}.")
