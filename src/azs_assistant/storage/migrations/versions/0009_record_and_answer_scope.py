"""Form records carry the station they belong to and who created them, so reads, exports and
corrections are scoped like tickets and incidents (an operator sees their own stations' records).
Answers keep the asker's stations and regions, so only managers over them may correct them.

Existing records get their station from the act's own «АЗС №» field.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("form_records") as batch:
        batch.add_column(sa.Column("station_id", sa.String(50), nullable=True))
        batch.add_column(sa.Column("created_by", sa.String(200), nullable=True))
        batch.create_index("ix_form_records_station", ["station_id"])
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("asker_scope", sa.JSON, nullable=True))
    from azs_assistant.forms.records import record_station

    records = sa.table("form_records", sa.column("id", sa.Integer), sa.column("fields", sa.JSON),
                       sa.column("station_id", sa.String))
    conn = op.get_bind()
    for row in conn.execute(sa.select(records.c.id, records.c.fields)).all():
        station = record_station(row.fields or {})
        if station is not None:
            conn.execute(records.update().where(records.c.id == row.id).values(station_id=station))


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("asker_scope")
    with op.batch_alter_table("form_records") as batch:
        batch.drop_index("ix_form_records_station")
        batch.drop_column("created_by")
        batch.drop_column("station_id")
