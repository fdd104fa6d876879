"""publishing through git: record edits and commit per item, the bureau's partner edits

Revision ID: 0004_publishing
Revises: 0003_procedure
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_publishing"
down_revision = "0003_procedure"
branch_labels = None
depends_on = None


def upgrade():
    # server_default '' lets the items of 0002 take the new NOT NULL column; no row is rewritten.
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_edits", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("published_commit", sa.String(length=40), server_default="", nullable=False))

    op.create_table(
        "partner_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("base_sha256", sa.String(length=64), nullable=False),
        sa.Column("record_text", sa.Text(), nullable=False),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("logo_filename", sa.String(length=120), nullable=False),
        sa.Column("logo_data", sa.LargeBinary(), nullable=True),
        sa.Column("commit", sa.String(length=40), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("partner_edits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_edits_slug"), ["slug"], unique=False)


def downgrade():
    with op.batch_alter_table("partner_edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_edits_slug"))
    op.drop_table("partner_edits")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("published_commit")
        batch_op.drop_column("record_edits")
