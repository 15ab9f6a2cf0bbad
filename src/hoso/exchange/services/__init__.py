"""The exchange app's writers that sit beside its packages (the hand-over)."""
