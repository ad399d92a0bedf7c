"""Structured records of paper forms (inspection acts).

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("form_type", sa.String(100), nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="SET NULL"), nullable=True),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("field_confidence", sa.JSON, nullable=False),
        sa.Column("problems", sa.JSON, nullable=False),
        sa.Column("defects", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("incident_ref", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_form_records_form_created", "form_records", ["form_type", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_form_records_form_created", table_name="form_records")
    op.drop_table("form_records")
