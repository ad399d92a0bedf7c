"""The station registry: id («АЗС-012»), name, region, address, active.

An existing installation is seeded once from the distinct stations (and their regions) of its incident
log, so scopes, complaints and reports keep working after the upgrade; from then on the registry is
edited by admins (``azs stations import|add``, the API, /admin/stations).

Revision ID: 0010
Revises: 0009
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    stations = op.create_table(
        "stations",
        sa.Column("id", sa.String(50), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region", sa.String(100), nullable=True),
        sa.Column("address", sa.String(500), nullable=True),
        sa.Column("active", sa.Integer, nullable=False, server_default="1"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    incidents = sa.table("incidents", sa.column("station_id", sa.String), sa.column("region", sa.String))
    conn = op.get_bind()
    rows = conn.execute(sa.select(incidents.c.station_id, sa.func.max(incidents.c.region))
                        .group_by(incidents.c.station_id)).all()
    now = datetime.now(UTC)
    if rows:
        op.bulk_insert(stations, [{"id": sid, "name": sid, "region": region, "address": None, "active": 1,
                                   "updated_at": now} for sid, region in rows if sid])


def downgrade() -> None:
    op.drop_table("stations")
