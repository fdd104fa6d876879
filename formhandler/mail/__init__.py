"""Mail: the durable outbox, the backends that deliver it (log or SMTP), and the Dutch texts."""
