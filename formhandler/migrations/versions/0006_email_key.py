"""email_key: the case-folded NFC form of each submission's address, for look-ups on every database

Revision ID: 0006_email_key
Revises: 0005_accounts
"""

import unicodedata
from email.utils import parseaddr

import sqlalchemy as sa
from alembic import op

revision = "0006_email_key"
down_revision = "0005_accounts"
branch_labels = None
depends_on = None


def _email_key(address: str) -> str:
    # A copy of formhandler.unicode_keys.email_key as it is today: a migration must not change with the app.
    bare = parseaddr(address)[1] if "<" in address else address
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", bare.strip()).casefold())


def upgrade():
    # A new nullable column, filled from the existing addresses: no row loses anything.
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_key", sa.String(length=762), nullable=True))
    connection = op.get_bind()
    submissions = sa.table(
        "submissions", sa.column("id", sa.Integer), sa.column("email", sa.String), sa.column("email_key", sa.String)
    )
    for row in connection.execute(sa.select(submissions.c.id, submissions.c.email)).all():
        connection.execute(
            submissions.update().where(submissions.c.id == row.id).values(email_key=_email_key(row.email or ""))
        )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_email_key"), ["email_key"], unique=False)


def downgrade():
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_email_key"))
        batch_op.drop_column("email_key")
