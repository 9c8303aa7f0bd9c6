"""Report stage: the only place that imports matplotlib/pyfolio; writes figures and documents."""
