"""visits: who surveyed vs who last edited, visit outcomes, GPS accuracy, items that do not apply

Revision ID: 0005_visits
Revises: 0004_sync
Create Date: 2026-12-01 21:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005_visits"
down_revision = "0004_sync"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gps_accuracy", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("gps_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_edited_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_edited_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("visit_outcome", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("visit_outcome_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("visit_outcome_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("revisit_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_household_last_edited_by_id_user"), "user", ["last_edited_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_household_visit_outcome_by_id_user"),
            "user",
            ["visit_outcome_by_id"],
            ["id"],
        )
    # Until now every save moved "surveyed by": the last editor is the best guess for both.
    op.execute(
        "UPDATE household SET last_edited_by_id = surveyed_by_id, last_edited_at = surveyed_at"
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("khong_ap_dung", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("khong_ap_dung")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_household_visit_outcome_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_household_last_edited_by_id_user"), type_="foreignkey"
        )
        for column in (
            "revisit_on",
            "visit_outcome_by_id",
            "visit_outcome",
            "visit_outcome_at",
            "last_edited_at",
            "last_edited_by_id",
            "gps_at",
            "gps_accuracy",
        ):
            batch_op.drop_column(column)
