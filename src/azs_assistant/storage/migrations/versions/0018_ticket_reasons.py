"""A ticket's reasons kept as data ({key, params}), so support reads them in the page's language; the Russian
sentences stay in ``triage_reason``. Tickets stored before this revision have none and show those sentences.

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("reasons", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("reasons")
