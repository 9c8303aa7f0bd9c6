"""Plain-text summary of a study for the terminal (the same formats as the study page)."""

from __future__ import annotations

from rtybt.engine.report.study.page import ci_cell, fmt


def format_study_summary(summary: dict) -> list[str]:
    hv, conf = summary["verdict_horizon"], f"{summary['confidence']:.0%}"
    lines = [f"{summary['strategy']} on {len(summary['symbols'])} markets: {summary['computed']} backtests run on "
             f"{summary['executor']}, {summary['reused_from_store']} reused from the store", "",
             f"  {'market':<8}{'CAGR':>9}{'Sharpe':>8}{'max DD':>9}{'B&H CAGR':>10}{'setups':>8}{'clusters':>9}"
             f"{f'excess {hv}d':>12}  {conf} CI"]
    for r in summary["markets"]:
        lines.append(f"  {r['symbol']:<8}{fmt(r['cagr'], 'pct'):>9}{fmt(r['sharpe'], 'num'):>8}"
                     f"{fmt(r['max_drawdown'], 'pct'):>9}{fmt(r['buy_hold_cagr'], 'pct'):>10}{r['setups']:>8}"
                     f"{r['clusters']:>9}{fmt(r['excess_mean'], 'signed'):>12}  {ci_cell(r['excess_ci'])}")
    p = summary["pooled"]
    lines.append(f"  {'pooled':<8}{'':>9}{'':>8}{'':>9}{'':>10}{p['setups']:>8}{p['clusters']:>9}"
                 f"{fmt(p['excess_mean'], 'signed'):>12}  {ci_cell(p['excess_ci'])}")
    judged = p["difference_p_value"] is not None
    interval = (f"{conf} CI {ci_cell(p['difference_ci'])}, p {fmt(p['difference_p_value'], 'p')}" if judged
                else ci_cell(p["difference_ci"]))
    lines += ["", f"{p['traded']} minus the others: {fmt(p['difference'], 'signed')} ({interval})", "",
              f"  regimes, all markets{'':<14}{'setups':>8}{'clusters':>9}{f'excess {hv}d':>12}  {conf} CI"]
    for r in summary["regime_table"]:
        clusters = "-" if r["clusters"] is None else r["clusters"]
        interval = "-" if r["level"] == "no label" else ci_cell(r["excess_ci"])
        # Raw and family-adjusted p side by side (engine/analysis/standard.py's multiple-testing rule).
        ps = "" if r.get("p_value") is None else \
            f"{'':<{max(0, 22 - len(interval))}}  p {fmt(r['p_value'], 'p')}, adjusted {fmt(r.get('p_adjusted'), 'p')}"
        lines.append(f"  {r['regime']:<8}{r['level']:<27}{r['setups']:>8}{clusters:>9}"
                     f"{fmt(r['excess_mean'], 'signed'):>12}  {interval}{ps}")
    lines += ["", summary["verdict"], *summary["regime_verdicts"].values(), f"results: {summary['run_dir']}"]
    return lines
