"""Report stage, the cross-market study's pages."""
