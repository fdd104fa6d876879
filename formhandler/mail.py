"""Mail outbox (stub; being written)."""


def build_mails(item):
    """OutboxMessage rows for a new submission."""
    return []


def init_app(app):
    """Register the mail commands."""
