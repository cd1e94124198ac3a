"""Running the product: the scheduler of api/schedules.py, worker heartbeats, metrics, JSON logs, health."""
