"""job attempts: how many times a worker started each export or import job (the reaper gives
up on a job whose worker died MAX_ATTEMPTS times)

Revision ID: 0016_job_attempts
Revises: 0015_report_details
Create Date: 2026-12-04 09:04:57.927370

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_job_attempts"
down_revision = "0015_report_details"
branch_labels = None
depends_on = None

TABLES = ("export_job", "import_job")


def upgrade():
    for table in TABLES:  # plain ALTER TABLE ADD COLUMN on both engines
        op.add_column(
            table, sa.Column("attempts", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("attempts")
