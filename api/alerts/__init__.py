"""Trend alerts (趋势预警) and the daily roll-ups they and the cockpit read."""
