"""Incidents (copied from the company's database, imported, or created here) and sync watermarks.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("incident_id", sa.String(100), primary_key=True),
        sa.Column("station_id", sa.String(50), nullable=False),
        sa.Column("region", sa.String(100), nullable=True),
        sa.Column("occurred_at", sa.DateTime, nullable=False),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("equipment", sa.String(300), nullable=True),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("actions_taken", sa.Text, nullable=True),
        sa.Column("resolved_at", sa.DateTime, nullable=True),
        sa.Column("severity", sa.Integer, nullable=True),
        sa.Column("origin", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("quarter", sa.Integer, nullable=False),
        sa.Column("month", sa.Integer, nullable=False),
        sa.Column("weekday", sa.Integer, nullable=False),
        sa.Column("hour", sa.Integer, nullable=False),
        sa.Column("is_open", sa.Integer, nullable=False),
        sa.Column("resolution_hours", sa.Float, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_incidents_occurred", "incidents", ["occurred_at"])
    op.create_index("ix_incidents_category_occurred", "incidents", ["category", "occurred_at"])
    op.create_index("ix_incidents_station_occurred", "incidents", ["station_id", "occurred_at"])
    op.create_index("ix_incidents_region_occurred", "incidents", ["region", "occurred_at"])
    op.create_index("ix_incidents_open", "incidents", ["is_open", "severity"])
    op.create_table(
        "incident_sync",
        sa.Column("source", sa.String(200), primary_key=True),
        sa.Column("watermark", sa.String(100), nullable=True),
        sa.Column("last_key", sa.String(100), nullable=True),
        sa.Column("rows_total", sa.Integer, nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("incident_sync")
    for name in ("ix_incidents_open", "ix_incidents_region_occurred", "ix_incidents_station_occurred",
                 "ix_incidents_category_occurred", "ix_incidents_occurred"):
        op.drop_index(name, table_name="incidents")
    op.drop_table("incidents")
