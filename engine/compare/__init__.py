"""Compare stage: several configs side by side in one ranked report."""
