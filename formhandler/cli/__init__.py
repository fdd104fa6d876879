"""The `flask --app formhandler` commands of the bureau and the operator, one module per command group."""

from __future__ import annotations

from flask import Flask

from . import db, mail, privacy, queue, site, user


def init_app(app: Flask) -> None:
    """Register the command groups on the app."""
    for group in (db.db_cli, mail.mail_cli, privacy.privacy_cli, queue.queue_cli, site.site_cli, user.user_cli):
        app.cli.add_command(group)
