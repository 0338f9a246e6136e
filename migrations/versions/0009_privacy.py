"""privacy: register consent on households, anonymisation mark, retention per commune

Revision ID: 0009_privacy
Revises: 0008_sessions
Create Date: 2026-12-03 23:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009_privacy"
down_revision = "0008_sessions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.add_column(sa.Column("register_consent_by", sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column("register_consent_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("commune_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("retention_years", sa.Integer(), server_default="5", nullable=False)
        )
        batch_op.create_check_constraint("retention_years", "retention_years BETWEEN 1 AND 50")


def downgrade():
    with op.batch_alter_table("commune_settings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_commune_settings_retention_years"), type_="check")
        batch_op.drop_column("retention_years")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
        batch_op.drop_column("register_consent_at")
        batch_op.drop_column("register_consent_by")
