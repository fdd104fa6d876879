"""Flask app for the registration form and the review queue of the Alliantie Nederland Rookvrij!"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

import pelican.log  # noqa: F401 -- imported first so its global logger class can be undone below

# Pelican installs a logger class that silently drops repeated messages; the app's own
# loggers (created when its modules are imported below) must log every event.
logging.setLoggerClass(logging.Logger)

from flask import Flask, render_template
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from partners.assets import AssetUrls
from partners.dates import nl_date

from . import db
from .formparser import FormRequest
from .limits import limiter

ROOT = Path(__file__).resolve().parent.parent
csrf = CSRFProtect()
logger = logging.getLogger(__name__)


class ConfigError(RuntimeError):
    """The app cannot start safely with this configuration."""


def default_config(instance_path: str) -> dict:
    """Every setting with its default; each can be set as FORMHANDLER_<NAME> in the environment."""
    return dict(
        DEVELOPMENT=False,
        SECRET_KEY=None,
        DATABASE_URL="sqlite:///" + os.path.join(instance_path, "queue.sqlite3"),
        SQLITE_BUSY_TIMEOUT_MS=5000,
        AUTO_UPGRADE=True,
        MIN_FILL_SECONDS=3,
        NOTIFY_TO="bureau@alliantienederlandrookvrij.nl",
        MAIL_FROM="Alliantie Nederland Rookvrij! <noreply@alliantienederlandrookvrij.nl>",
        MAIL_BACKEND="log",
        MAIL_SEND_INLINE=False,
        SMTP_HOST="localhost",
        SMTP_PORT=25,
        SMTP_USERNAME="",
        SMTP_PASSWORD="",
        SMTP_STARTTLS=False,
        SMTP_TIMEOUT=10,
        SITE_DIR=str(ROOT / "output"),
        CONTENT_DIR=str(ROOT / "content"),
        THEME_DIR=str(ROOT / "theme"),
        # Request limits: a logo may be 512 kB; the whole body stays well under 2 MB.
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=64 * 1024,
        MAX_FORM_PARTS=200,
        TRUSTED_PROXIES=0,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=False,
        FORM_RATE_LIMIT="20 per hour;5 per minute",
        LOGIN_RATE_LIMIT="10 per 15 minutes",
        LOGIN_ACCOUNT_LIMIT=10,
        SESSION_IDLE_MINUTES=30,
        SESSION_MAX_HOURS=10,
        SESSION_COOKIE_NAME="beheer_sessie",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=True,
        WTF_CSRF_TIME_LIMIT=3600,
        WTF_I18N_ENABLED=True,
        RETENTION_DAYS=90,
    )


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: defaults, instance config.py, FORMHANDLER_* environment, or test_config."""
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    app.request_class = FormRequest
    app.config.from_mapping(default_config(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("FORMHANDLER")
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    _check_secret_key(app)
    if app.config["DEVELOPMENT"]:
        app.config["SESSION_COOKIE_SECURE"] = False
    if int(app.config["TRUSTED_PROXIES"]) > 0:
        count = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    _setup_templates(app)
    db.init_app(app, auto_upgrade=bool(app.config["AUTO_UPGRADE"]))
    csrf.init_app(app)
    limiter.init_app(app)

    from . import admin, auth, cli, errors, headers, mail, registration

    app.register_blueprint(registration.bp)
    app.register_blueprint(__import__(f"{__name__}.change_request", fromlist=["bp"]).bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    errors.init_app(app)
    headers.init_app(app)
    mail.init_app(app)
    cli.init_app(app)
    return app


def _check_secret_key(app: Flask) -> None:
    """Refuse to start without a secret key, except in development where one is kept in instance/."""
    if app.config.get("SECRET_KEY"):
        return
    if not app.config["DEVELOPMENT"]:
        raise ConfigError(
            "FORMHANDLER_SECRET_KEY is niet ingesteld. Zet een lange willekeurige waarde, bijvoorbeeld "
            "met: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _setup_templates(app: Flask) -> None:
    """Our templates first, then the theme's, so the form extends the site's own base.html."""
    theme = Path(app.config["THEME_DIR"])
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(str(Path(__file__).parent / "templates")), FileSystemLoader(str(theme / "templates"))]
    )
    app.jinja_env.globals.update(asset=AssetUrls(theme / "static"), SITENAME="Alliantie Nederland Rookvrij!")
    app.jinja_env.filters["nl_date"] = nl_date


__all__ = ["create_app", "render_template"]
