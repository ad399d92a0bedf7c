"""Periodic jobs registered by admins (scheduled reports, timed incident syncs) are stored, so every API
process and worker picks them up and queues each period's job once, instead of a command looping. The
complaint classifier's training generation, bumped by each retraining (a job on a worker, say), tells the
other processes to retrain too. ``index_changes`` says which document each move of the index generation
was about, so the other processes update their search index in place instead of rebuilding it.

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "job_schedules",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("every_s", sa.Float, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("last_slot", sa.BigInteger, nullable=True),
        sa.Column("created_by", sa.String(200), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    with op.batch_alter_table("index_state") as batch:
        batch.add_column(sa.Column("classifier_generation", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "index_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("document_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_index_changes_generation", "index_changes", ["generation"])


def downgrade() -> None:
    op.drop_index("ix_index_changes_generation", "index_changes")
    op.drop_table("index_changes")
    with op.batch_alter_table("index_state") as batch:
        batch.drop_column("classifier_generation")
    op.drop_table("job_schedules")
