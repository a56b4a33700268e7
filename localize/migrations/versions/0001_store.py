"""The store as it stood when migrations began: accounts, roles, tokens, login limits, history, pending
changes, comments, suggestions, jobs and the publishing record.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("languages", sa.Text, nullable=False, server_default=""),
        sa.Column("password", sa.Text, nullable=False),
        sa.Column("ui_language", sa.Text),
        sa.Column("created", sa.Double, nullable=False),
        sa.Column("disabled", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_login", sa.Double))
    op.create_table(
        "user_roles",
        sa.Column("user", sa.Text, sa.ForeignKey("users.name", ondelete="CASCADE"), primary_key=True),
        sa.Column("language", sa.Text, primary_key=True),
        sa.Column("role", sa.Text, nullable=False))
    op.create_table(
        "tokens",
        sa.Column("digest", sa.Text, primary_key=True),
        sa.Column("user", sa.Text, sa.ForeignKey("users.name", ondelete="CASCADE"), nullable=False),
        sa.Column("label", sa.Text, nullable=False, server_default=""),
        sa.Column("created", sa.Double, nullable=False),
        sa.Column("id", sa.Text),
        sa.Column("expires", sa.Double),
        sa.Column("last_used", sa.Double),
        sa.Column("revoked", sa.Double))
    op.create_index("tokens_id", "tokens", ["id"], unique=True)
    op.create_table(
        "failed_logins",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("at", sa.Double, nullable=False))
    op.create_index("failed_logins_key", "failed_logins", ["key", "at"])
    op.create_table(
        "history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Double, nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("entry", sa.Text, nullable=False),
        sa.Column("msgctxt", sa.Text),
        sa.Column("msgid", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("old_msgstr", sa.Text, nullable=False),
        sa.Column("new_msgstr", sa.Text, nullable=False),
        sa.Column("old_state", sa.Text, nullable=False),
        sa.Column("new_state", sa.Text, nullable=False),
        sa.Column("suggestion", sa.Integer),
        sa.Column("note", sa.Text),
        sqlite_autoincrement=True)
    op.create_index("history_entry", "history", ["language", "slug", "entry", "id"])
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Double, nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("entry", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sqlite_autoincrement=True)
    op.create_index("comments_entry", "comments", ["language", "slug", "entry", "id"])
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Double, nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("entry", sa.Text, nullable=False),
        sa.Column("msgctxt", sa.Text),
        sa.Column("msgid", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("origin", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.Text, nullable=False, server_default="open"),
        sa.Column("decided_by", sa.Text),
        sa.Column("decided_at", sa.Double),
        sqlite_autoincrement=True)
    op.create_index("suggestions_entry", "suggestions", ["language", "slug", "entry", "status"])
    op.create_table("pending", sa.Column("change", sa.Integer, primary_key=True, autoincrement=False))
    op.create_table(
        "jobs",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("engine", sa.Text),
        sa.Column("names", sa.Text, nullable=False, server_default=""),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("total", sa.Integer),
        sa.Column("drafted", sa.Integer, nullable=False, server_default="0"),
        sa.Column("from_memory", sa.Integer, nullable=False, server_default="0"),
        sa.Column("skipped", sa.Integer, nullable=False, server_default="0"),
        sa.Column("notice", sa.Text, nullable=False, server_default=""),
        sa.Column("error", sa.Text, nullable=False, server_default=""),
        sa.Column("created", sa.Double, nullable=False),
        sa.Column("started", sa.Double),
        sa.Column("updated", sa.Double, nullable=False),
        sa.Column("finished", sa.Double),
        sa.Column("step", sa.Text, nullable=False, server_default=""),
        sa.Column("outcome", sa.Text, nullable=False, server_default=""),
        sa.Column("formats", sa.Text, nullable=False, server_default=""),
        sa.Column("report", sa.Text, nullable=False, server_default=""),
        sa.Column("worker", sa.Text, nullable=False, server_default=""))
    op.create_index("jobs_created", "jobs", ["created"])
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Double, nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("manifest_sha256", sa.Text, nullable=False, server_default=""),
        sa.Column("formats", sa.Text, nullable=False, server_default=""),
        sa.Column("job", sa.Text),
        sqlite_autoincrement=True)
    op.create_index("publications_edition", "publications", ["language", "slug", "id"])


def downgrade() -> None:
    for table in ("publications", "jobs", "pending", "suggestions", "comments", "history", "failed_logins",
                  "tokens", "user_roles", "users"):
        op.drop_table(table)
