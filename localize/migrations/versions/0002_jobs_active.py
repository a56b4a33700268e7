"""An index for the active jobs: queueing a job looks for one like it still queued or running, which
without it reads every job ever run.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("jobs_active", "jobs", ["state", "language", "kind"], if_not_exists=True)


def downgrade() -> None:
    op.drop_index("jobs_active", "jobs", if_exists=True)
