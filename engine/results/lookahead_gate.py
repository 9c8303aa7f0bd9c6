"""Results stage: the look-ahead gate of `rtybt run` for a strategy from a file: the no-look-ahead harness on the
run's own bars, its answer cached under the results directory by the file's source hash and the data checksum."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from rtybt.engine.config import RunConfig
from rtybt.engine.core.errors import StrategyError

CACHE_DIR = ".lookahead"  # under the results directory, beside .staging and .variants
# Cut runs on the run's bars: each costs its length, so a few are enough to see a peek (it shows at every cut).
RUN_CUTS = 8
# The check runs on the run's last bars only: a peek shows wherever the strategy decides, and the check then
# costs a bounded fraction of a long run (about one run of 6 years) instead of several runs of the whole history.
GATE_BARS = 1500
HARNESS_VERSION = 1  # bump when the harness changes what it compares: cached answers are then recomputed


def cache_inputs(config: RunConfig, bars) -> dict:
    """Everything the harness's answer depends on: the strategy's source, its parameters, the bars, the broker
    and sizing it trades with, and the code that judges it."""
    from rtybt.engine import __version__
    from rtybt.engine.results.provenance import strategy_source_sha

    return {
        "harness": HARNESS_VERSION,
        "rtybt": __version__,
        "strategy": config.strategy.name,
        "strategy_source_sha256": strategy_source_sha(config),
        "params": json.loads(json.dumps(config.strategy.params, default=str)),
        "data_sha256": bars.sha256,
        "bars": len(bars.frame),
        "broker": config.broker.model_dump(mode="json"),
        "sizing": config.sizing.model_dump(mode="json"),
    }


def _digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def read_cached(path: Path, inputs: dict) -> dict | None:
    """The cached answer, only when it is whole and for these very inputs (its own checksum holds)."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("inputs") != inputs or "finding" not in entry:
        return None
    body = {k: v for k, v in entry.items() if k != "sha256"}
    if entry.get("sha256") != _digest(body):
        return None
    finding = entry["finding"]
    if finding is not None and not (isinstance(finding, dict) and {"bar", "text", "cause"} <= set(finding)):
        return None
    return entry


def check_lookahead(config: RunConfig, bars, root: Path, on_stage=None) -> str | None:
    """None when the strategy's decisions up to each cut equal the full run's on the run's bars (its last
    GATE_BARS), else the
    first finding as one line (the bar as a date and the likely cause). Cached in `root`/.lookahead/."""
    from rtybt.engine.core.progress import announce

    inputs = cache_inputs(config, bars)
    path = root / CACHE_DIR / f"{_digest(inputs)}.json"
    cached = read_cached(path, inputs)
    if cached is None:
        announce(on_stage, "look-ahead check")
        finding = _run_harness(config, bars.frame.iloc[-GATE_BARS:])
        body = {"inputs": inputs, "finding": finding}
        _store(path, body | {"sha256": _digest(body)})
    else:
        finding = cached["finding"]
    if finding is None:
        return None
    return f"first differs on {finding['bar']}: {finding['text']}; likely cause: {finding['cause']}"


def _run_harness(config: RunConfig, frame) -> dict | None:
    from rtybt.engine.run.lookahead import cut_positions, first_finding, lookahead_findings
    from rtybt.strategies import get_strategy

    cls = get_strategy(config.strategy.name, config.strategy.file)
    # Past a long warm-up when the data allows (a 200-bar MA), else from a third of the bars.
    first_bar = max(2, min(260, len(frame) // 3))
    if len(frame) <= first_bar + 1:
        return None  # too few bars to cut: nothing can be told
    found = first_finding(lookahead_findings(cls, config.strategy.params, frame, config,
                                             cut_positions(len(frame), RUN_CUTS, first_bar)))
    if found is None:
        return None
    return {"bar": found.bar.isoformat(), "text": found.text, "cause": found.cause}


def _store(path: Path, entry: dict) -> None:
    """Best effort: a cache that cannot be written costs the next run the check again, nothing more."""
    from rtybt.engine.core.atomic import write_text_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, json.dumps(entry, indent=1, sort_keys=True) + "\n")
    except OSError:
        pass


def refusal(config: RunConfig, finding: str) -> StrategyError:
    """The one-line refusal of a run whose strategy looks ahead."""
    from rtybt.strategies.files import shown_path

    file = shown_path(config.strategy.file or "")
    return StrategyError(
        f"{file}: strategy {config.strategy.name!r} looks ahead, so its run gets no verdict: {finding}. "
        f"`rtybt check-strategy {file}` shows every cut; --allow-lookahead runs it anyway, marked not judged"
    )
