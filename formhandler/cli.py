"""Click commands (stub; being written)."""


def init_app(app):
    """Register the commands."""
