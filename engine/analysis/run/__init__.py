"""Analysis stage, a run's verdict: the run's analysis, its verdict against buy-and-hold, comparisons and overfitting."""
