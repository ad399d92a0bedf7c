"""Document audience as rows (one per role or region), so the documents a person may see are filtered
in SQL on SQLite, PostgreSQL and Oracle alike; the JSON column stays as the form the API shows.
Existing audiences are copied over.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rows = op.create_table(
        "document_audience",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_index("ix_document_audience_document_id", "document_audience", ["document_id"])
    op.create_index("ix_document_audience_kind_value", "document_audience", ["kind", "value"])
    documents = sa.table("documents", sa.column("id", sa.Integer), sa.column("audience", sa.JSON))
    conn = op.get_bind()
    copied = []
    for doc_id, audience in conn.execute(sa.select(documents.c.id, documents.c.audience)
                                         .where(documents.c.audience.is_not(None))):
        for role in (audience or {}).get("roles") or []:
            copied.append({"document_id": doc_id, "kind": "role", "value": role})
        for region in (audience or {}).get("regions") or []:
            copied.append({"document_id": doc_id, "kind": "region", "value": region.lower()})
    if copied:
        op.bulk_insert(rows, copied)


def downgrade() -> None:
    op.drop_index("ix_document_audience_kind_value", "document_audience")
    op.drop_index("ix_document_audience_document_id", "document_audience")
    op.drop_table("document_audience")
