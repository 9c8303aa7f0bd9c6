"""Analysis stage, the analogs: the nearest past states and the walk-forward score of the method."""
