"""Settings: every default, where values come from, and the checks that refuse an unsafe start."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from partners import THEME_DIR

from .mail.backends import BACKENDS
from .review.accounts import PASSWORD_PROFILES

PREFIX = "FORMHANDLER"
#: setting -> the values it may take.
CHOICES: dict[str, tuple[str, ...]] = {
    "MAIL_BACKEND": tuple(BACKENDS),
    "PASSWORD_HASH_PROFILE": tuple(PASSWORD_PROFILES),
    "PUBLISH_TARGET": ("files", "git"),
    "SITE_BUILD": ("none", "live"),
}
logger = logging.getLogger(__name__)


class ConfigError(RuntimeError):
    """The app cannot start safely with this configuration."""


def default_config(instance_path: str) -> dict[str, Any]:
    """Every setting with its default; each can be set as FORMHANDLER_<NAME> in the environment."""
    # The site's folders: content/ and output/ of the working directory the app starts in (the
    # site's checkout), made absolute at start; the theme is the one installed with partners.
    return dict(
        DEVELOPMENT=False,
        SECRET_KEY=None,
        DATABASE_URL="sqlite:///" + os.path.join(instance_path, "queue.sqlite3"),
        SQLITE_BUSY_TIMEOUT_MS=5000,
        AUTO_UPGRADE=True,
        MIN_FILL_SECONDS=3,
        NOTIFY_TO="bureau@alliantienederlandrookvrij.nl",
        # The bureau's contact details in the footer of the form's pages: the same values as in
        # pelicanconf.py, which shows them on the rest of the site.
        CONTACT_EMAIL="bureau@alliantienederlandrookvrij.nl",
        CONTACT_ADDRESS="",
        CONTACT_PHONE="",
        MAIL_FROM="Alliantie Nederland Rookvrij! <noreply@alliantienederlandrookvrij.nl>",
        MAIL_BACKEND="log",
        MAIL_SEND_INLINE=False,
        SMTP_HOST="localhost",
        SMTP_PORT=25,
        SMTP_USERNAME="",
        SMTP_PASSWORD="",
        SMTP_STARTTLS=False,
        SMTP_TIMEOUT=10,
        SITE_DIR=str(Path("output").resolve()),
        CONTENT_DIR=str(Path("content").resolve()),
        THEME_DIR=str(THEME_DIR),
        # Request limits: a logo may be 512 kB; the whole body stays well under 2 MB.
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=500 * 1024,
        MAX_FORM_PARTS=200,
        TRUSTED_PROXIES=0,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=False,
        FORM_RATE_LIMIT="20 per hour;5 per minute",
        LOGIN_RATE_LIMIT="10 per 15 minutes",
        LOGIN_ACCOUNT_LIMIT=10,
        PASSWORD_HASH_PROFILE="RFC_9106_LOW_MEMORY",
        SESSION_IDLE_MINUTES=30,
        SESSION_MAX_HOURS=10,
        # One cookie, Flask's session, for the forms (their CSRF token, the status link) and the admin (the
        # login): Flask has one session per app, and a second mechanism would be a second thing to secure.
        # So the name is the Alliantie's session, not the admin's; host-only, path / (both live under it).
        SESSION_COOKIE_NAME="alliantie_sessie",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=True,
        WTF_CSRF_TIME_LIMIT=3600,
        WTF_I18N_ENABLED=True,
        RETENTION_DAYS=90,
        # The joining procedure (issue 17): links in mails, the applicant's status page, the agreement.
        PUBLIC_URL="https://www.alliantienederlandrookvrij.nl",
        STATUS_LINK_DAYS=30,
        STATUS_RATE_LIMIT="10 per hour;3 per minute",
        AGREEMENT_TEMPLATE="overeenkomst.txt",
        AGREEMENT_ATTACHMENTS=[],
        SIGNED_RETENTION_DAYS=730,
        # Publishing (docs/deployment.md): files in CONTENT_DIR, or commits in the site repository.
        PUBLISH_TARGET="files",
        SITE_REPO="",
        PUBLISH_PUSH=True,
        PUBLISH_REMOTE="origin",
        PUBLISH_BRANCH="main",
        PUBLISH_AUTHOR_EMAIL="bureau@alliantienederlandrookvrij.nl",
        SITE_BUILD="none",
        SITE_BUILDS_KEPT=5,
        SITE_BUILD_TIMEOUT=25,
    )


def load(app: Flask, test_config: Mapping[str, Any] | None = None) -> None:
    """Defaults, then instance/config.py and FORMHANDLER_* variables (or only test_config); then the checks."""
    app.config.from_mapping(default_config(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env(PREFIX)
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    _check_secret_key(app)
    _check_choices(app)
    _check_publishing(app)
    if app.config["DEVELOPMENT"]:
        app.config["SESSION_COOKIE_SECURE"] = False
    elif app.config["MAIL_BACKEND"] == "log" and not app.testing:
        logger.warning(
            "MAIL_BACKEND=log: mail wordt alleen in het log geschreven en niet verstuurd "
            "(alleen voor ontwikkeling); zet FORMHANDLER_MAIL_BACKEND=smtp."
        )


def _check_secret_key(app: Flask) -> None:
    """Refuse to start without a secret key, except in development where one is kept in instance/."""
    if app.config.get("SECRET_KEY"):
        return
    if not app.config["DEVELOPMENT"]:
        raise ConfigError(
            f"{PREFIX}_SECRET_KEY is niet ingesteld. Zet een lange willekeurige waarde, bijvoorbeeld "
            "met: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _check_choices(app: Flask) -> None:
    """Refuse a setting that names something the app does not have."""
    for name, allowed in CHOICES.items():
        if app.config[name] not in allowed:
            options = [f"‘{option}’" for option in sorted(allowed)]
            either = ", ".join(options[:-1]) + f" of {options[-1]}"
            raise ConfigError(f"{PREFIX}_{name} moet {either} zijn, niet ‘{app.config[name]}’.")


def _check_publishing(app: Flask) -> None:
    """With git, publish into the site repository's content/; a live build needs the real https address."""
    config = app.config
    if config["PUBLISH_TARGET"] == "git":
        if not config["SITE_REPO"]:
            raise ConfigError(f"{PREFIX}_PUBLISH_TARGET=git heeft {PREFIX}_SITE_REPO nodig: de werkkopie van de site.")
        repo = Path(config["SITE_REPO"]).resolve()
        config["SITE_REPO"] = str(repo)
        content = repo / "content"
        if Path(config["CONTENT_DIR"]).resolve() not in (content, Path("content").resolve()):
            raise ConfigError(
                f"{PREFIX}_CONTENT_DIR wijst buiten de siterepository; laat het weg bij PUBLISH_TARGET=git "
                f"(dan is het {content})."
            )
        config["CONTENT_DIR"] = str(content)
    if config["SITE_BUILD"] == "live" and not str(config["PUBLIC_URL"]).startswith("https://"):
        raise ConfigError(
            f"{PREFIX}_SITE_BUILD=live bouwt de site voor het publiek en heeft het echte adres nodig: "
            f"zet {PREFIX}_PUBLIC_URL, bijvoorbeeld https://www.alliantienederlandrookvrij.nl."
        )
    config["PUBLIC_URL"] = str(config["PUBLIC_URL"]).rstrip("/")
