"""SMS notifications: a transactional outbox, a worker, and the providers that send."""
