"""Background jobs, stored before a worker sees them (a crash loses none), and the files they work on.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("result", sa.JSON, nullable=True),
        sa.Column("progress", sa.JSON, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("max_attempts", sa.Integer, nullable=False),
        sa.Column("key", sa.String(200), nullable=True, unique=True),
        sa.Column("lease", sa.String(32), nullable=True),
        sa.Column("lease_until", _TS, nullable=True),
        sa.Column("worker", sa.String(200), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=True),
        sa.Column("run_after", _TS, nullable=False),
        sa.Column("dispatched_at", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("started_at", _TS, nullable=True),
        sa.Column("finished_at", _TS, nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_jobs_status_run_after", "jobs", ["status", "run_after"])
    op.create_index("ix_jobs_kind_status", "jobs", ["kind", "status"])
    op.create_table(
        "job_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("name", sa.String(1000), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_job_files_job_id", "job_files", ["job_id"])


def downgrade() -> None:
    op.drop_index("ix_job_files_job_id", "job_files")
    op.drop_table("job_files")
    op.drop_index("ix_jobs_kind_status", "jobs")
    op.drop_index("ix_jobs_status_run_after", "jobs")
    op.drop_table("jobs")
