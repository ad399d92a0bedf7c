"""Conversations get a title (the chat's history sidebar shows it; the owner may rename it). Existing
conversations keep none and are shown by their first question. Documents keep their original file
(``document_originals``), so the document page can offer it for download; documents ingested before
have none until their next version.

Revision ID: 0014
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("title", sa.String(200), nullable=True))
    op.create_table(
        "document_originals",
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_originals")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("title")
