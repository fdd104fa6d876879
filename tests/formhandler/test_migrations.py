"""The schema upgrades in place, one revision at a time, from the first to the newest, keeping data."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from formhandler.db import alembic_config, make_engine, schema_status, upgrade
from tests.formhandler.helpers import insert_old_submission

pytestmark = pytest.mark.both_databases


def revisions(engine) -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_upgrade_step_by_step_keeps_a_submission(empty_db_url):
    engine = make_engine(empty_db_url)
    steps = revisions(engine)
    upgrade(engine, steps[0])
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO submissions (kind, state, created_at, updated_at, fingerprint, organisation_name, "
                "organisation_type, website, kvk_number, city, contact_name, contact_role, email, phone, "
                "offers_stop_support, criteria, criteria_hash, criteria_accepted_at, company_acknowledged, "
                "contributions, contribution_text, motivation, privacy_consent_at, suspect_reasons, published_slug) "
                "VALUES "
                "('aanmelding', 'nieuw', :now, :now, 'f1', 'Gemeente Oud', 'overheid', '', '', 'Utrecht', 'Jan', '', "
                "'jan@example.org', '', false, '[]', 'h', :now, false, '[\"kennis\"]', '', '', :now, '[]', '')"
            ),
            {"now": "2025-01-01 00:00:00+00:00"},
        )
    for step in steps[1:]:
        upgrade(engine, step)
    assert schema_status(engine)[0] == steps[-1]
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT organisation_name, email, state, kind, target_slug, requested, record_sha256, end_date "
                "FROM submissions"
            )
        ).one()
    # The 0001 application survives 0002 as an application with empty change-request columns.
    assert tuple(row) == ("Gemeente Oud", "jan@example.org", "nieuw", "aanmelding", "", None, "", None)
    engine.dispose()


def test_upgrade_twice_is_harmless(empty_db_url):
    engine = make_engine(empty_db_url)
    upgrade(engine)
    upgrade(engine)
    current, head = schema_status(engine)
    assert current == head
    engine.dispose()


def test_0003_keeps_waiting_mail_and_adds_the_procedures_tables(empty_db_url):
    engine = make_engine(empty_db_url)
    upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO outbox (created_at, to_addr, subject, body, attempts, next_attempt_at, last_error) "
                "VALUES (:now, 'jan@example.org', 'Bevestiging', 'Tekst', 0, :now, '')"
            ),
            {"now": "2025-01-01 00:00:00+00:00"},
        )
    upgrade(engine)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT to_addr, subject, status_link, sent_at FROM outbox")).one()
        tables = {
            name
            for (name,) in connection.execute(
                text(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                    if engine.dialect.name == "postgresql"
                    else "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            )
        }
    # A mail that waited before the upgrade still waits, without a status link of its own.
    assert tuple(row) == ("jan@example.org", "Bevestiging", False, None)
    assert {"status_tokens", "signed_agreements", "outbox_attachments"} <= tables
    engine.dispose()


def test_publishing_through_git_adds_its_columns_and_table_without_touching_an_item(empty_db_url):
    engine = make_engine(empty_db_url)
    upgrade(engine, "0002")
    with engine.begin() as connection:
        insert_old_submission(
            connection,
            state="gepubliceerd",
            fingerprint="f2",
            city="",
            contributions="[]",
            published_slug="gemeente-oud",
        )
    upgrade(engine, "0004_publishing")
    with engine.connect() as connection:
        row = connection.execute(text("SELECT published_slug, published_commit, record_edits FROM submissions")).one()
        edits = connection.execute(text("SELECT count(*) FROM partner_edits")).scalar_one()
    assert tuple(row) == ("gemeente-oud", "", None) and edits == 0
    engine.dispose()


def test_0005_keeps_every_account_active(empty_db_url):
    engine = make_engine(empty_db_url)
    upgrade(engine, "0004_publishing")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (username, password_hash, created_at, session_generation) "
                "VALUES ('anna', '$argon2id$x', :now, 3)"
            ),
            {"now": "2025-01-01 00:00:00+00:00"},
        )
    upgrade(engine)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT username, password_hash, session_generation, disabled_at FROM users")
        ).one()
    # An account made before the upgrade can still log in, with its password and its sessions.
    assert tuple(row) == ("anna", "$argon2id$x", 3, None)
    engine.dispose()
