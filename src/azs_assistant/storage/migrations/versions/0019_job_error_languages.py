"""A failed job's error in every interface language ({"ru": …, "kk": …, "en": …}), so the jobs page says it in
the admin's language; ``error`` keeps the Russian text. Jobs that failed before this revision have none and show
``error``.

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("error_messages", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("error_messages")
