"""Analysis stage: every claim of a note tested in four scopes, judged by the one standard (engine.analysis.standard).

Scopes: the instrument's own long history (the answer the claims table gives); each market of the cross-market
pool and the pool itself; the note's regime (events whose VIX and 200-day-MA labels, known at their close, match
the note's date); and the states nearest the note's (the analogs, as events). Within a scope the claims are one
family: their p-values are corrected together (standard.adjust, Holm by default) before a word is chosen.
The pieces per market and the analogs are independent (`market_piece`, `analog_piece`): a command may compute
them on any executor; `judge` combines them the same way whatever ran them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from rtybt.engine.analysis import standard
from rtybt.engine.analysis.note.events import Scale, call_positions, claim_rows, empty_rows
from rtybt.engine.analysis.note.evidence import SEED, Tested, test_rows
from rtybt.engine.analysis.note.setup import setup_mask
from rtybt.engine.analysis.study.regimes import trend_labels, vix_labels

VIX_THRESHOLD = 20.0
TREND_MA = 200
POOLED = "pooled"


@dataclass(frozen=True)
class Piece:
    """One market's (or the analogs') event rows for every claim, and the events they start from."""

    name: str
    rows: dict[str, pd.DataFrame]
    events: list  # dates of the setups (or of the analogs)


def _peer_of(claim, peers: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    return peers.get(claim.peer) if claim.kind == "relative" else None


def market_piece(note, symbol: str, frame: pd.DataFrame, peers: dict[str, pd.DataFrame], scale: Scale) -> Piece:
    """Every claim's rows on one market, from its setups (a bias claim: from the days its Final Call matches)."""
    setups = np.flatnonzero(setup_mask(frame, note.setup.conditions))
    rows = {}
    for claim in note.claims:
        if claim.kind == "relative" and claim.peer == symbol:
            rows[claim.id] = empty_rows()  # a market against itself says nothing
            continue
        positions = call_positions(frame, claim.term, claim.bias) if claim.kind == "bias" else setups
        rows[claim.id] = claim_rows(frame, positions, claim, scale, _peer_of(claim, peers))
    return Piece(symbol, rows, [d.date() for d in frame.index[setups]])


def analog_piece(note, frame: pd.DataFrame, analog_dates: list, peers: dict[str, pd.DataFrame], scale: Scale) -> Piece:
    """Every claim's rows on the history, from the analog dates: what followed the states nearest the note's."""
    positions = np.sort(frame.index.get_indexer(pd.DatetimeIndex(analog_dates)))
    positions = positions[positions >= 0]
    rows = {c.id: claim_rows(frame, positions, c, scale, _peer_of(c, peers)) for c in note.claims}
    return Piece("analogs", rows, list(analog_dates))


def word(tested: Tested, claimed_sign: int) -> str:
    """The standard's word; a neutral claim (no difference claimed) holds only as 'not distinguishable', and a
    difference either way contradicts it."""
    if claimed_sign:
        return standard.claim_word(tested.evidence, claimed_sign)
    w = standard.claim_word(tested.evidence, 1)
    return standard.DID_NOT_HOLD if w in (standard.HELD, standard.DID_NOT_HOLD) else w


def _family(tests: list[Tested]) -> list[Tested]:
    """The family's corrected p-values written into each Evidence (standard.adjust)."""
    adjusted = standard.adjust([t.evidence.p_value for t in tests])
    return [replace(t, evidence=replace(t.evidence, p_adjusted=p)) for t, p in zip(tests, adjusted, strict=True)]


@dataclass(frozen=True)
class ClaimVerdict:
    claim: object  # engine.analysis.note.model.Claim
    answer: Tested  # on the instrument's history
    word: str
    markets: dict[str, Tested]  # each market of the pool, and POOLED
    market_words: dict[str, str]
    regime: Tested
    regime_word: str
    analogs: Tested | None
    analogs_word: str | None
    where_else: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NoteRegime:
    vix: str
    trend: str

    def describe(self) -> str:
        return f"{self.vix or 'no VIX bar'}, {self.trend or 'no trend label'}"


def note_regime(history: pd.DataFrame, vix: pd.Series | None, on) -> NoteRegime:
    day = pd.DatetimeIndex([pd.Timestamp(on)])
    return NoteRegime(vix_labels(day, vix, VIX_THRESHOLD)[0], trend_labels(history["close"], day, TREND_MA)[0])


def regime_rows(rows: pd.DataFrame, history: pd.DataFrame, vix: pd.Series | None, regime: NoteRegime) -> pd.DataFrame:
    """The rows whose start carries the note's regime labels (each known at that close)."""
    if rows.empty:
        return rows
    starts = pd.DatetimeIndex(rows["start"])
    keep = np.array(vix_labels(starts, vix, VIX_THRESHOLD), dtype=object) == regime.vix
    keep &= np.array(trend_labels(history["close"], starts, TREND_MA), dtype=object) == regime.trend
    return rows[keep]


def judge(note, history_symbol: str, pieces: dict[str, Piece], analogs: Piece | None, history: pd.DataFrame,
          vix: pd.Series | None, regime: NoteRegime, missing: dict[str, str] | None = None) -> list[ClaimVerdict]:
    """Every claim's verdict in every scope, each scope corrected as a family. `missing` names markets or peers
    without bars (symbol -> why), so a claim that needs one says so."""
    missing = missing or {}
    claims = note.claims
    seeds = {c.id: [SEED, i] for i, c in enumerate(claims)}

    def why(claim) -> str:
        if claim.kind == "relative" and claim.peer in missing:
            return f"no bars for {claim.peer}: {missing[claim.peer]}"
        return "no event had a complete window"

    def tested(rows, claim):
        return test_rows(rows, seeds[claim.id], why_empty=why(claim))

    answer = _family([tested(pieces[history_symbol].rows[c.id], c) for c in claims])
    markets = [m for m in note.markets if m in pieces]
    per_market = []
    for c in claims:
        per_market += [test_rows(pieces[m].rows[c.id], seeds[c.id], why_empty=f"{m} is the peer itself")
                       if c.kind == "relative" and c.peer == m else tested(pieces[m].rows[c.id], c) for m in markets]
        per_market.append(tested(pd.concat([pieces[m].rows[c.id] for m in markets], ignore_index=True)
                                 if markets else empty_rows(), c))
    per_market = _family(per_market)
    regime_tests = _family([tested(regime_rows(pieces[history_symbol].rows[c.id], history, vix, regime), c)
                            for c in claims])
    analog_tests = _family([tested(analogs.rows[c.id], c) for c in claims]) if analogs is not None else None
    out = []
    width = len(markets) + 1
    for i, c in enumerate(claims):
        sign = c.claimed_sign
        m_tests = dict(zip([*markets, POOLED], per_market[i * width:(i + 1) * width], strict=True))
        m_words = {m: word(t, sign) for m, t in m_tests.items()}
        r_word = word(regime_tests[i], sign)
        a_test = analog_tests[i] if analog_tests is not None else None
        a_word = word(a_test, sign) if a_test is not None else None
        held = standard.HELD
        where = [m for m in markets if m != history_symbol and m_words[m] == held]
        where += ["all markets pooled"] if m_words[POOLED] == held else []
        where += ["in the note's regime"] if r_word == held else []
        where += ["the analogs"] if a_word == held else []
        out.append(ClaimVerdict(c, answer[i], word(answer[i], sign), m_tests, m_words, regime_tests[i], r_word,
                                a_test, a_word, where))
    return out
