"""Users, API keys, web sessions, the audit log, and who may see a document.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=True),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("stations", sa.JSON, nullable=False),
        sa.Column("regions", sa.JSON, nullable=False),
        sa.Column("department", sa.String(100), nullable=True),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("disabled", sa.Integer, nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("telegram_chat_id", sa.String(50), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("prefix", sa.String(16), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("stations", sa.JSON, nullable=False),
        sa.Column("regions", sa.JSON, nullable=False),
        sa.Column("department", sa.String(100), nullable=True),
        sa.Column("rate_per_minute", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("actor_kind", sa.String(20), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("target", sa.String(500), nullable=True),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
    )
    op.create_index("ix_audit_at", "audit_events", ["at"])
    op.create_index("ix_audit_actor_at", "audit_events", ["actor", "at"])
    op.create_index("ix_audit_action_at", "audit_events", ["action", "at"])
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("audience", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("audience")
    for name in ("ix_audit_action_at", "ix_audit_actor_at", "ix_audit_at"):
        op.drop_index(name, table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_table("web_sessions")
    op.drop_table("api_keys")
    op.drop_table("users")
