"""Analysis stage, the cross-market study: per-market event studies, the pool, regimes and the study's answer."""
