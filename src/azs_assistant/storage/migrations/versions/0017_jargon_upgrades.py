"""A new release's built-in jargon reaches installations seeded by an earlier one. Each entry records the
canonical the built-in dictionary gave it (``shipped``), so an entry the admin never edited can be changed or
withdrawn by an upgrade while the admin's edits stay; a built-in term the admin removed is kept as ``removed``,
so an upgrade does not bring it back. ``index_state.jargon_builtin`` is a digest of the built-in files last
merged, so a process merges a new release's files once, at start.

Built-in terms removed through the API or the web before this revision are known from the audit log
(``jargon.delete``): they become removed entries here, so the first merge keeps them out.

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jargon_terms") as batch:
        batch.add_column(sa.Column("shipped", sa.String(500), nullable=True))
        batch.add_column(sa.Column("removed", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("index_state") as batch:
        batch.add_column(sa.Column("jargon_builtin", sa.String(64), nullable=True))
    conn = op.get_bind()
    have = {t for (t,) in conn.execute(sa.text("SELECT term FROM jargon_terms"))}
    gone: dict[str, bool] = {}  # term -> removed as of its last audited edit
    for action, target in conn.execute(sa.text(
            "SELECT action, target FROM audit_events WHERE action IN ('jargon.add', 'jargon.put', 'jargon.delete') "
            "AND target IS NOT NULL ORDER BY at, id")):
        gone[target.strip().lower()] = action == "jargon.delete"  # audited as typed in the path («Солярка»)
    terms = sa.table("jargon_terms", sa.column("term", sa.String), sa.column("canonical", sa.String),
                     sa.column("removed", sa.Boolean), sa.column("updated_at", sa.DateTime(timezone=True)))
    # (the term stands for its own canonical: Oracle stores '' as NULL, and the column is NOT NULL)
    rows = [{"term": t, "canonical": t, "removed": True, "updated_at": sa.func.now()}
            for t, deleted in gone.items() if deleted and t not in have and len(t) <= 200]
    for row in rows:
        conn.execute(terms.insert().values(**row))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM jargon_terms WHERE removed = :yes").bindparams(yes=True))
    with op.batch_alter_table("index_state") as batch:
        batch.drop_column("jargon_builtin")
    with op.batch_alter_table("jargon_terms") as batch:
        batch.drop_column("removed")
        batch.drop_column("shipped")
