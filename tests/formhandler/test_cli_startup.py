"""The flask command with a configuration problem: one Dutch line on stderr and exit code 1, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FLASK = Path(sys.executable).parent / "flask"
KEY = "k" * 64


def flask(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess:
    """`flask --app formhandler queue list` with only `settings` as FORMHANDLER_* variables, as an operator runs it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FORMHANDLER_")}
    env.update({f"FORMHANDLER_{key}": value for key, value in settings.items()})
    return subprocess.run(
        [str(FLASK), "--app", "formhandler", "queue", "list"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "settings, line",
    [
        (
            {},
            "Fout in de instellingen: FORMHANDLER_SECRET_KEY is niet ingesteld. Zet een lange willekeurige waarde, "
            "bijvoorbeeld met: python -c 'import secrets; print(secrets.token_hex(32))'",
        ),
        (
            {"SECRET_KEY": KEY, "MAIL_BACKEND": "onzin", "DATABASE_URL": "sqlite://"},
            "Fout in de instellingen: FORMHANDLER_MAIL_BACKEND moet ‘log’ of ‘smtp’ zijn, niet ‘onzin’.",
        ),
        (
            {"SECRET_KEY": KEY, "MAIL_BACKEND": "smtp", "DATABASE_URL": "onzin://"},
            "Fout in de instellingen: FORMHANDLER_DATABASE_URL is geen databaseadres dat de formhandler kent.",
        ),
        (
            {
                "SECRET_KEY": KEY,
                "MAIL_BACKEND": "smtp",
                "DATABASE_URL": "postgresql+psycopg://anna:geheim@127.0.0.1:9/q",
            },
            "De database ‘postgresql+psycopg://anna:***@127.0.0.1:9/q’ is niet bereikbaar: controleer "
            "FORMHANDLER_DATABASE_URL en of de databaseserver draait.",
        ),
    ],
    ids=["no-secret-key", "bad-choice", "bad-database-url", "database-unreachable"],
)
def test_a_configuration_problem_is_one_dutch_line(tmp_path, settings, line):
    result = flask(tmp_path, **settings)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [line]
    assert "geheim" not in result.stderr + result.stdout


def test_the_app_itself_still_raises(make_app):
    """Outside the command (gunicorn, the tests) the exception stays, with its own message."""
    from formhandler.config import ConfigError

    with pytest.raises(ConfigError, match="FORMHANDLER_MAIL_BACKEND moet ‘log’ of ‘smtp’ zijn, niet ‘onzin’"):
        make_app(MAIL_BACKEND="onzin")
