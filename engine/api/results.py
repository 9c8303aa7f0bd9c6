"""Python API stage: the result objects the API returns (pandas data, notebook display, matplotlib figures)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

import pandas as pd

from rtybt.engine.config import RunConfig

# Inline styles: a notebook does not load the tearsheet's stylesheet.
_CARD = ("font-size:1.05em;background:#eef3fa;border-left:5px solid #1f5fa8;padding:0.6em 0.9em;"
         "margin:0.4em 0;color:#1d1d1d")
_MUTED = "color:#666;font-size:0.9em"


def _link(path: Path, text: str) -> str:
    """An HTML link to a file: relative to the working directory (Jupyter serves files from there) when inside it."""
    from rtybt.engine.report.html import esc

    path = Path(path).resolve()
    try:
        href = os.path.relpath(path, Path.cwd()) if path.is_relative_to(Path.cwd()) else path.as_uri()
    except ValueError:
        href = path.as_uri()
    return f'<a href="{esc(href)}" target="_blank">{esc(text)}</a>'


# The comparison's event-study edge columns: returns, formatted like the metrics' returns.
_EDGE_KINDS = {"edge": "pct", "edge_ci_low": "pct", "edge_ci_high": "pct"}


def _frame_html(frame: pd.DataFrame, index_label: str = "") -> str:
    """A table whose metric columns read as the terminal prints them (engine.core.numbers, metric_keys' kinds)."""
    from rtybt.engine.analysis.metric_keys import METRICS
    from rtybt.engine.core.numbers import fmt
    from rtybt.engine.report.html import frame_table

    shown = frame.copy()
    for column, kind in ({key: kind for key, (_, kind) in METRICS.items()} | _EDGE_KINDS).items():
        if column in shown:
            shown[column] = [fmt(None if pd.isna(v) else v, kind) for v in frame[column]]
    return frame_table(shown, index_label=index_label)


@dataclass(repr=False)
class BacktestResult:
    """One backtest (`rtybt.run`, `rtybt.load_run`): the run's data as pandas objects and where its files are.

    `trades` (one row per trade), `returns` and `equity` (daily Series), `setups` (one row per bar whose close
    met the entry condition), `metrics` (Series: the strategy's), `benchmark_metrics` (Series or None),
    `headline` (strategy vs buy-and-hold, formatted as the CLI prints it), `verdict` (the run's answer,
    as the tearsheet and the CLI give it; a stored run's from its report.json, None if it wrote none), `run_dir` and `tearsheet` (Path or None).
    In Jupyter the object shows the verdict card and the headline table; `plot_equity()` and
    `plot_note_chart()` return matplotlib figures without writing files.
    """

    run_dir: Path
    config: RunConfig
    trades: pd.DataFrame
    returns: pd.Series
    equity: pd.Series
    setups: pd.DataFrame
    metrics: pd.Series
    benchmark_metrics: pd.Series | None
    benchmark_returns: pd.Series | None
    benchmark_symbol: str | None
    costs: str
    verdict: str | None
    bars: pd.DataFrame = field(repr=False)

    @classmethod
    def from_inputs(cls, run_dir: Path, inputs, verdict: str | None = None) -> BacktestResult:
        """From engine.report.run.inputs.ReportInputs: a fresh run's, with the verdict its analysis gave, or a stored
        run's re-read from disk (its verdict is the one its report.json recorded, if it wrote one)."""
        import json

        report = Path(run_dir) / "report.json"
        if verdict is None and report.is_file():
            verdict = json.loads(report.read_text(encoding="utf-8")).get("verdict")
        bench = pd.Series(inputs.benchmark_metrics, name="benchmark", dtype=object) \
            if inputs.benchmark_metrics else None
        return cls(
            run_dir=Path(run_dir), config=inputs.config, trades=_dated(inputs.trades), returns=inputs.returns,
            equity=inputs.equity, setups=pd.DataFrame({"date": pd.to_datetime(pd.Series(inputs.setups, dtype=object))}),
            metrics=pd.Series(inputs.metrics, name="strategy", dtype=object), benchmark_metrics=bench,
            benchmark_returns=inputs.benchmark_returns, benchmark_symbol=inputs.benchmark_symbol,
            costs=inputs.costs, verdict=verdict, bars=inputs.bars,
        )

    @property
    def tearsheet(self) -> Path | None:
        """The run's tearsheet.html, when it wrote one."""
        path = self.run_dir / "tearsheet.html"
        return path if path.is_file() else None

    @property
    def headline(self) -> pd.DataFrame:
        """The CLI's summary table: one row per metric, strategy (and buy & hold) formatted the same way."""
        from rtybt.engine.core.numbers import fmt
        from rtybt.engine.report.run.summary import ROWS

        columns = {"strategy": [fmt(self.metrics.get(key), kind) for _, key, kind in ROWS]}
        if self.benchmark_metrics is not None:
            columns[f"buy & hold {self.benchmark_symbol}"] = [
                fmt(self.benchmark_metrics.get(key), kind) for _, key, kind in ROWS]
        return pd.DataFrame(columns, index=pd.Index([label for label, _, _ in ROWS], name="metric"))

    def plot_equity(self):
        """The run's equity.png as a matplotlib Figure (nothing written)."""
        from rtybt.engine.report.run.equity import equity_figure

        bench = None
        if self.benchmark_returns is not None:
            bench = self.config.broker.cash * (1.0 + self.benchmark_returns).cumprod()
        c = self.config
        return _detached(equity_figure(self.equity, f"{c.name}: {c.strategy.name} on {c.data.symbol} ({self.costs})",
                                       bench, f"buy & hold {self.benchmark_symbol}"))

    def plot_note_chart(self, zoom: bool = True):
        """The tearsheet's note chart as a matplotlib Figure (nothing written): the zoom window (`report.zoom`,
        else the last `report.zoom_months` months), or with `zoom=False` the whole history."""
        from rtybt.engine.report.note.note_chart import config_chart

        return _detached(config_chart(self.bars, self.trades, self.config, zoom=zoom))

    def __repr__(self) -> str:
        m = self.metrics
        return (f"<BacktestResult {self.config.name}: {self.config.strategy.name} on {self.config.data.symbol}, "
                f"{m.get('start')} to {m.get('end')}, {m.get('trades')} trades, run_dir={str(self.run_dir)!r}>")

    def _repr_html_(self) -> str:
        from rtybt.engine.report.html import esc
        from rtybt.engine.report.run.prose import param_value

        c, m = self.config, self.metrics
        params = ", ".join(f"{k}={param_value(v)}" for k, v in c.strategy.params.items()) or "no parameters"
        parts = [f"<h4>{esc(c.name)}: {esc(c.strategy.name)} on {esc(c.data.symbol)}, "
                 f"{esc(m.get('start'))} to {esc(m.get('end'))}</h4>", f'<p style="{_MUTED}">{esc(params)}</p>']
        if self.verdict:
            parts.append(f'<p style="{_CARD}">{esc(self.verdict)}</p>')
        parts.append(_frame_html(self.headline, "metric"))
        links = [_link(self.tearsheet, "tearsheet")] if self.tearsheet else []
        links.append(_link(self.run_dir, str(self.run_dir)))
        parts.append(f'<p style="{_MUTED}">costs: {esc(self.costs)}; ' + " · ".join(links) + "</p>")
        return "\n".join(parts)


def _dated(trades: pd.DataFrame) -> pd.DataFrame:
    """Trade dates as datetime64 (NaT while a trade is open), the same for a fresh run and a stored one."""
    trades = trades.copy()
    for column in trades.columns:
        if column.endswith("_date"):
            trades[column] = pd.to_datetime(trades[column])
    return trades


def _detached(fig):
    """Closed in pyplot's registry, so a notebook shows the figure once (as the cell's value), not twice."""
    import matplotlib.pyplot as plt

    plt.close(fig)
    return fig


@dataclass(repr=False)
class CompareResult:
    """`rtybt.compare`: `table` (one row per config, ranked by `metric`), `run_dir` (comparison.html/json/csv)."""

    run_dir: Path
    metric: str
    table: pd.DataFrame
    summary: dict

    @property
    def report(self) -> Path:
        """The comparison's comparison.html."""
        return self.run_dir / "comparison.html"

    def __repr__(self) -> str:
        return f"<CompareResult {len(self.table)} runs ranked by {self.metric}, run_dir={str(self.run_dir)!r}>"

    def _repr_html_(self) -> str:
        from rtybt.engine.report.html import esc

        shown = [c for c in self.table.columns if c not in ("strategy", "params", "source", "group")]
        return (f"<h4>compare: ranked by {esc(self.metric)}</h4>"
                + _frame_html(self.table[shown].set_index("rank"), "rank")
                + f'<p style="{_MUTED}">{_link(self.report, "comparison report")}</p>')


@dataclass(repr=False)
class SweepResult:
    """`rtybt.sweep`: `table` (every variant ranked by `metric`), `returns` (daily returns, one column per
    variant's config hash), `statistics` (deflated Sharpe ratio, PBO), `screen` (the --screen account or None),
    `best` (the top variant's label) and `run_dir`."""

    run_dir: Path
    name: str
    metric: str
    swept: list[str]
    table: pd.DataFrame
    returns: pd.DataFrame
    statistics: dict
    screen: dict | None
    summary: dict

    @property
    def best(self) -> str:
        """The label of the best-ranked variant."""
        return str(self.table.sort_values("rank", kind="stable")["label"].iloc[0])

    def plot_heatmap(self, x: str, y: str):
        """The metric over two swept parameters (the best over the others) as a matplotlib Figure, as
        `--heatmap X,Y` draws it (nothing written)."""
        from rtybt.engine.core.errors import ConfigError
        from rtybt.engine.report.compare.heatmap import heatmap_figure

        for axis in (x, y):
            if axis not in self.swept:
                raise ConfigError(f"heatmap {axis}: not a swept parameter; swept: {', '.join(self.swept)}")
        others = [k for k in self.swept if k not in (x, y)]
        title = f"{self.name}: {self.metric}" + (f" (best over {', '.join(others)})" if others else "")
        fig, _ = heatmap_figure(self.table, x, y, self.metric, title)
        return _detached(fig)

    def __repr__(self) -> str:
        return (f"<SweepResult {len(self.table)} variants ranked by {self.metric}, best {self.best}, "
                f"run_dir={str(self.run_dir)!r}>")

    def _repr_html_(self) -> str:
        from rtybt.engine.report.html import esc

        s = self.summary
        shown = ["rank", "label", "cagr", "sharpe", "max_drawdown", "trades"]
        top = self.table.sort_values("rank", kind="stable").head(10)[[c for c in shown if c in self.table]]
        pbo = "-" if s.get("pbo") is None else f"{s['pbo']:.3f}"
        notes = "".join(f"<li>{esc(n)}</li>" for n in (self.screen or {}).get("notes", []))
        return (f"<h4>sweep: {s['variants']} variants ranked by {esc(self.metric)}</h4>"
                + _frame_html(top.set_index("rank"), "rank")
                + f'<p style="{_MUTED}">deflated Sharpe ratio {s["deflated_sharpe"]:.3f}; probability of backtest '
                  f'overfitting {pbo}; {_link(self.run_dir / "comparison.html", "report of the best variants")}</p>'
                + (f"<ul>{notes}</ul>" if notes else ""))


@dataclass(repr=False)
class WalkForwardResult:
    """`rtybt.walkforward`: `windows` (one row per window: dates, chosen parameters, in- and out-of-sample
    Sharpe), `oos_returns` and `oos_equity` (the stitched out-of-sample Series), `summary` and `run_dir`."""

    run_dir: Path
    name: str
    windows: pd.DataFrame
    oos_returns: pd.Series
    oos_equity: pd.Series
    summary: dict

    def plot_equity(self):
        """The stitched out-of-sample equity (oos_equity.png) as a matplotlib Figure (nothing written)."""
        from rtybt.engine.report.run.equity import equity_figure

        title = f"{self.name}: walk-forward out-of-sample equity ({len(self.windows)} windows)"
        return _detached(equity_figure(self.oos_equity, title))

    def __repr__(self) -> str:
        return f"<WalkForwardResult {len(self.windows)} windows, run_dir={str(self.run_dir)!r}>"

    def _repr_html_(self) -> str:
        s = self.summary
        sharpe = "-" if s["oos_sharpe"] is None else f"{s['oos_sharpe']:.2f}"
        return (f"<h4>walk-forward: {s['windows']} windows of {s['test_bars']} bars</h4>"
                + _frame_html(self.windows, "")
                + f'<p style="{_MUTED}">out-of-sample Sharpe {sharpe}, total return {s["oos_total_return"]:.2%}; '
                  f'{_link(self.run_dir, str(self.run_dir))}</p>')


@dataclass(repr=False)
class SnapshotResult:
    """`rtybt.snapshot`: the note's table for one date. `data` is what `rtybt snapshot --json` prints,
    `lines` what it prints as text; `snapshot` the analysis object itself."""

    snapshot: object
    data: dict
    lines: list[str]

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def __repr__(self) -> str:
        return f"<SnapshotResult {self.data.get('symbol')} on {self.data.get('bar_date')}>"

    def _repr_html_(self) -> str:
        from rtybt.engine.report.html import esc

        return f"<pre>{esc(str(self))}</pre>"


@dataclass(repr=False)
class StudyResult:
    """`rtybt.study`: the config's strategy on several markets. `verdict` (where the setup's edge shows), `markets`
    (one row per market: CAGR, Sharpe, drawdown, buy & hold, setups, episodes, excess return at the verdict
    horizon), `pooled` (one row per horizon, every market together), `regimes` (the regime splits), `setups` (one
    row per setup day with its forward and excess return), `summary` (what `rtybt study --json` prints) and
    `run_dir` (study.html and its files)."""

    run_dir: Path
    name: str
    verdict: str
    markets: pd.DataFrame
    pooled: pd.DataFrame
    regimes: pd.DataFrame
    setups: pd.DataFrame
    summary: dict

    @property
    def report(self) -> Path:
        """The study's study.html."""
        return self.run_dir / "study.html"

    def __repr__(self) -> str:
        return f"<StudyResult {self.name}: {len(self.markets)} markets, run_dir={str(self.run_dir)!r}>"

    def _repr_html_(self) -> str:
        from rtybt.engine.report.html import esc, frame_table
        from rtybt.engine.report.study.page import ci_cell, fmt

        s = self.summary
        hv, conf = s["verdict_horizon"], f"{s['confidence']:.0%}"
        shown = pd.DataFrame({
            "CAGR": [fmt(v, "pct") for v in self.markets["cagr"]],
            "Sharpe": [fmt(v, "num") for v in self.markets["sharpe"]],
            "max DD": [fmt(v, "pct") for v in self.markets["max_drawdown"]],
            "B&H CAGR": [fmt(v, "pct") for v in self.markets["buy_hold_cagr"]],
            "setups": list(self.markets["setups"]), "episodes": list(self.markets["clusters"]),
            f"excess {hv}d": [fmt(v, "signed") for v in self.markets["excess_mean"]],
            f"{conf} CI": [ci_cell(v) for v in self.markets["excess_ci"]],
        }, index=pd.Index(self.markets["symbol"], name="market"))
        return (f"<h4>study: {esc(self.name)} on {len(self.markets)} markets</h4>"
                f'<p style="{_CARD}">{esc(self.verdict)}</p>' + frame_table(shown, index_label="market")
                + f'<p style="{_MUTED}">{_link(self.report, "study page")}</p>')


@dataclass(repr=False)
class AnalogsResult:
    """`rtybt.analogs`: the past states nearest to a date's close and what followed. `answer` (the sentence the page
    opens with), `analogs` (one row per analog: date, distance, readings, forward returns, target or stop first),
    `fan` (median and bands of the forward paths, analogs against every past day), `forward` (the analogs' event
    study, one row per horizon), `score` (the method's walk-forward record), `data` (what `rtybt analogs --json`
    prints), `lines` (what it prints as text) and `run_dir` (analogs.html, .json, .csv)."""

    run_dir: Path | None
    symbol: str
    bar_date: Date
    answer: str
    analogs: pd.DataFrame
    fan: pd.DataFrame
    forward: pd.DataFrame
    score: dict
    data: dict
    lines: list[str]

    @property
    def report(self) -> Path | None:
        """The page analogs.html (None when nothing was written)."""
        return self.run_dir / "analogs.html" if self.run_dir else None

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def __repr__(self) -> str:
        return (f"<AnalogsResult {self.symbol} on {self.bar_date}: {len(self.analogs)} analogs, "
                f"run_dir={str(self.run_dir) if self.run_dir else None!r}>")

    def _repr_html_(self) -> str:
        from rtybt.engine.core.numbers import fmt
        from rtybt.engine.report.html import esc, frame_table

        table = self.analogs.set_index("rank")
        fwd = [c for c in table.columns if c.startswith("fwd_")]
        shown = pd.DataFrame({"date": [d.date().isoformat() for d in table["date"]], "distance": [fmt(v, "num3") for v in table["distance"]],
                              **{f"{c.removeprefix('fwd_')} sessions": [fmt(v, "pct") for v in table[c]] for c in fwd},
                              "first": [str(v).replace("_", " ") for v in table["target_outcome"]]}, index=table.index)
        link = f'<p style="{_MUTED}">{_link(self.report, "analogs page")}</p>' if self.report else ""
        return (f"<h4>analogs: {esc(self.symbol)} on {self.bar_date}</h4>"
                f'<p style="{_CARD}">{esc(self.answer)}</p>' + frame_table(shown, index_label="rank")
                + f'<p style="{_MUTED}">{esc(self.score.get("sentence", ""))}</p>' + link)


@dataclass
class NoteResult:
    """`rtybt.note`: a chart note's claims, each tested. `claims` (one row per claim: the note's words, the answer —
    held / did not hold / not distinguishable / not enough evidence —, the number with its interval, episodes, where
    else it held, and every scope's numbers), `data` (what `rtybt note --json` prints), `lines` (the claims table
    as the terminal prints it) and `run_dir` (note.html, note.json, claims.csv)."""

    run_dir: Path | None
    title: str
    bar_date: Date
    claims: pd.DataFrame
    data: dict
    lines: list[str]

    @property
    def report(self) -> Path | None:
        """The page note.html (None when nothing was written)."""
        return self.run_dir / "note.html" if self.run_dir else None

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def __repr__(self) -> str:
        return (f"<NoteResult {self.title!r} on {self.bar_date}: {len(self.claims)} claims, "
                f"run_dir={str(self.run_dir) if self.run_dir else None!r}>")

    def _repr_html_(self) -> str:
        from rtybt.engine.analysis.standard import CONFIDENCE
        from rtybt.engine.report.html import esc, table

        rows = [[row["claim"], row["answer"], row["difference"], row["interval"], row["episodes"],
                 row["where_else"] or "–"] for _, row in self.claims.iterrows()]
        link = f'<p style="{_MUTED}">{_link(self.report, "note page")}</p>' if self.report else ""
        return (f"<h4>the note, answered: {esc(self.title)} on {self.bar_date}</h4>"
                + table(["the note says", "the history says", "difference", f"{CONFIDENCE:.0%} interval", "episodes",
                         "where else it held"], rows) + link)
