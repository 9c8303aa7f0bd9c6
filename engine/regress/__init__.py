"""Regression stage: re-run configs, compare with committed baselines, report what moved."""
