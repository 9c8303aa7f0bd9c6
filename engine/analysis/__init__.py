"""Analysis stage: pure functions over returns and trades (no Backtrader, no I/O)."""
