"""A document's original may live outside the database (``AZS_ORIGINALS_URL``: a directory or S3): its row
then holds only where it is (``location``, the store's key) and no bytes. Rows written before, and every row
of an install without that setting, keep their bytes inline (``location`` empty).

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document_originals") as batch:
        batch.add_column(sa.Column("location", sa.String(500), nullable=True))
        batch.alter_column("data", existing_type=sa.LargeBinary, nullable=True)


def downgrade() -> None:
    # originals kept elsewhere cannot come back into the table here: their rows go (the objects stay)
    op.execute("DELETE FROM document_originals WHERE data IS NULL")
    with op.batch_alter_table("document_originals") as batch:
        batch.alter_column("data", existing_type=sa.LargeBinary, nullable=False)
        batch.drop_column("location")
