"""Settings: every one documented in docs/settings.md, read from FORMHANDLER_* variables, and checked at start."""

from __future__ import annotations

import re

import pytest

from formhandler import create_app
from formhandler.config import ConfigError, default_config
from partners import THEME_DIR
from tests.conftest import ROOT

DOC = ROOT / "docs" / "settings.md"


@pytest.mark.parametrize("name", list(default_config("instance")))
def test_setting_has_a_row_in_the_table(name):
    rows = [line for line in DOC.read_text().splitlines() if line.startswith(f"| `{name}` |")]
    assert len(rows) == 1, f"{name} is not documented in docs/settings.md"
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert cells[1] == f"`FORMHANDLER_{name}`" and cells[2] and len(cells[3]) > 10


def test_no_documented_setting_is_gone():
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", DOC.read_text(), re.MULTILINE))
    assert documented == set(default_config("instance"))


def test_site_folders_default_to_the_working_directory_and_the_theme_to_the_package(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    defaults = default_config("instance")
    monkeypatch.chdir(ROOT)  # made absolute when read: a later chdir changes nothing
    assert (defaults["CONTENT_DIR"], defaults["SITE_DIR"]) == (str(tmp_path / "content"), str(tmp_path / "output"))
    assert defaults["THEME_DIR"] == str(THEME_DIR) and (THEME_DIR / "templates" / "base.html").is_file()


def test_settings_come_from_the_environment_as_json_or_text(monkeypatch, db_url):
    for name, value in {
        "SECRET_KEY": "geheim-" + "x" * 40,
        "DATABASE_URL": db_url,
        "AUTO_UPGRADE": "false",
        "SMTP_PORT": "587",
        "RETENTION_DAYS": "30",
        "FORM_RATE_LIMIT": "1 per minute",
        "PASSWORD_HASH_PROFILE": "CHEAPEST",
    }.items():
        monkeypatch.setenv(f"FORMHANDLER_{name}", value)
    app = create_app()
    try:
        config = app.config
        assert (config["AUTO_UPGRADE"], config["SMTP_PORT"], config["RETENTION_DAYS"]) == (False, 587, 30)
        assert config["FORM_RATE_LIMIT"] == "1 per minute" and config["DATABASE_URL"] == db_url
        assert config["SESSION_COOKIE_SECURE"] is True and config["MAIL_BACKEND"] == "log"
    finally:
        app.extensions["formhandler.engine"].dispose()


def test_outside_development_a_missing_secret_key_is_refused(app_config):
    with pytest.raises(ConfigError, match="FORMHANDLER_SECRET_KEY is niet ingesteld"):
        create_app({**app_config, "SECRET_KEY": None})


@pytest.mark.parametrize("name", ["MAIL_BACKEND", "PASSWORD_HASH_PROFILE"])
def test_a_choice_the_app_does_not_have_is_refused(app_config, name):
    with pytest.raises(ConfigError, match=f"FORMHANDLER_{name} moet ‘.* zijn, niet ‘onbekend’"):
        create_app({**app_config, name: "onbekend"})


def test_development_drops_the_secure_cookie_flag(make_app):
    assert make_app(DEVELOPMENT=True).config["SESSION_COOKIE_SECURE"] is False


APP_PROBE = """
import logging, sys
from formhandler import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite:///" + sys.argv[1]})
app.test_client().get("/aanmelden/")
print("pelican" in sys.modules, type(logging.getLogger("formhandler.probe")).__name__)
"""


def test_the_app_loads_no_pelican_and_keeps_plain_loggers(tmp_path):
    """The app renders a form without importing Pelican, so Pelican's log set-up never touches ours."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", APP_PROBE, str(tmp_path / "q.sqlite3")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert result.stdout.split() == ["False", "Logger"]
