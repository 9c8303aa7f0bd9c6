"""Report stage: the only place that imports matplotlib; writes figures and documents."""
