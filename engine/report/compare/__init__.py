"""Report stage, comparisons: the compare and sweep pages and the sweep heatmap."""
