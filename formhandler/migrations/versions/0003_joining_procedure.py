"""joining procedure: status links, signed agreements, outbox attachments and the status-link flag

Revision ID: 0003_procedure
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_procedure"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    # New tables only, and one column with a server default: existing rows keep everything.
    op.create_table(
        "outbox_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("mimetype", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_attachments_outbox_id"), ["outbox_id"], unique=False)
    op.create_table(
        "status_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("status_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_tokens_submission_id"), ["submission_id"], unique=False)
    op.create_table(
        "signed_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("signed_agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signed_agreements_submission_id"), ["submission_id"], unique=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_link", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("status_link")
    for table, column in (
        ("signed_agreements", "submission_id"),
        ("status_tokens", "submission_id"),
        ("outbox_attachments", "outbox_id"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
        op.drop_table(table)
