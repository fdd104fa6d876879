"""reviewer accounts that can be disabled

Revision ID: 0005_accounts
Revises: 0004_publishing
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_accounts"
down_revision = "0004_publishing"
branch_labels = None
depends_on = None


def upgrade():
    # One nullable column: every existing account stays active, nothing is rewritten.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
