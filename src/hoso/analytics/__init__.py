"""Statistics, forecasts and the Ministry's reports (read-only; issue 11)."""
