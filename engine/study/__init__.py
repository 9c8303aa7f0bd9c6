"""Study stage: one strategy's setup across several instruments and market regimes."""
