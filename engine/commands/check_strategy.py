"""Commands stage: `rtybt check-strategy`: the no-look-ahead harness (engine/run/lookahead.py) on every strategy of a
user's file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CheckLine:
    """One check of `check_strategy_file`: what was run on what, and whether it held."""

    strategy: str
    check: str
    passed: bool
    detail: str = ""

    def line(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        return f"{verdict}  {self.strategy}: {self.check}" + (f": {self.detail}" if self.detail else "")


@dataclass
class StrategyCheck:
    """Every check of a file, in order; `passed` when all held (the CLI exits 1 otherwise)."""

    lines: list[CheckLine]

    @property
    def passed(self) -> bool:
        return all(line.passed for line in self.lines)


def check_strategy_file(path: str, data_dir: str | None = None, on_stage=None) -> StrategyCheck:
    """Run the harness on every strategy of a user's file (defaults plus its `variants`), on ^RUT 2013-2018
    cut at 20 dates and a seeded synthetic series cut at 10. A bad file is a ConfigError (exit 2); a strategy
    that raises whatever the cut (not a look-ahead: a bug) is a StrategyError (exit 2). A naive peek that
    raises past a cut's last bar is a FAIL naming that bar.
    `on_stage(text)` is told which check runs, for a status line."""
    from datetime import date
    from pathlib import Path

    from rtybt.engine.config import validate_config
    from rtybt.engine.core.errors import ConfigError, StrategyError
    from rtybt.engine.core.progress import announce
    from rtybt.engine.data import load_bars, resolve_data_dir
    from rtybt.engine.run.lookahead import (
        CUTS,
        RUT_WINDOW,
        SYNTHETIC_SEED,
        cut_positions,
        first_finding,
        lookahead_findings,
        synthetic_bars,
    )
    from rtybt.strategies.files import StrategyCodeError, StrategyFileError, strategies_in_file

    file = str(Path(path).expanduser().resolve())
    try:
        found = strategies_in_file(file)
    except StrategyCodeError as exc:  # the file's own code raised on import: the user's error, as in `run`
        raise StrategyError(str(exc), exc.detail) from exc.__cause__
    except StrategyFileError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    folder, source = resolve_data_dir(data_dir, symbol="^RUT")
    start, end = (date.fromisoformat(d) for d in RUT_WINDOW)
    series = {
        f"^RUT {start.year}-{end.year}, {CUTS['rut']} cuts": ("rut", load_bars("^RUT", folder, None, start, end,
                                                                               source).frame),
        f"seeded synthetic series, {CUTS['synthetic']} cuts": ("synthetic", synthetic_bars(600, SYNTHETIC_SEED)),
    }
    lines = []
    for name, cls in sorted(found.items()):
        for variant in ({}, *getattr(cls, "variants", ())):
            label = name + "".join(f" {k}={v}" for k, v in variant.items())
            config = validate_config({"strategy": {"name": name, "file": file, "params": variant},
                                      "benchmark": {"enabled": False}}, f"{path} ({label})")
            for what, (kind, frame) in series.items():
                announce(on_stage, f"{label}: {what}")
                findings = lookahead_findings(cls, config.strategy.params, frame, config,
                                              cut_positions(len(frame), CUTS[kind]))
                first = first_finding(findings)
                detail = f"{len(findings)} cut(s) differ; {first.line()}" if first else ""
                lines.append(CheckLine(label, f"no look-ahead on {what}", not findings, detail))
    return StrategyCheck(lines)
