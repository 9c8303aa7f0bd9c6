"""Sweep stage: expand a parameter grid into variants, run them on an executor, rank them."""
