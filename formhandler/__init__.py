"""Flask app for the registration form and the review queue of the Alliantie Nederland Rookvrij!"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory: defaults, then instance/config.py and FORMHANDLER_* variables, or test_config."""
    from . import cli, config, db, log_escape, web
    from .apply import views as apply
    from .change import views as change
    from .cli.startup import one_line_errors
    from .mail import devlog as mail_devlog
    from .review import (
        accounts,
        accounts_views,
        admin,
        auth,
        contacts_views,
        outbox_views,
        partners,
        record_edit,
        step_views,
    )
    from .status import logs as status_logs
    from .status import views as status

    log_escape.install()
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    with one_line_errors():
        config.load(app, test_config)
    web.init_app(app)
    with one_line_errors(app.config.get("DATABASE_URL")):
        db.init_app(app)
    accounts.init_app(app)
    app.register_blueprint(apply.bp)
    app.register_blueprint(change.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(step_views.bp)
    app.register_blueprint(accounts_views.bp)
    app.register_blueprint(contacts_views.bp)
    outbox_views.init_app(app)
    app.register_blueprint(status.bp)
    status_logs.init_app(app)
    app.register_blueprint(record_edit.bp)
    app.register_blueprint(partners.bp)
    mail_devlog.init_app(app)
    cli.init_app(app)
    return app
