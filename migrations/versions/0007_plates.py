"""plates: door plates (QR tokens that open a household's page), one active per household

Revision ID: 0007_plates
Revises: 0006_assistance
Create Date: 2026-11-30 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_plates"
down_revision = "0006_assistance"
branch_labels = None
depends_on = None

ACTIVE = sa.text("revoked_at IS NULL")


def upgrade():
    op.create_table(
        "door_plate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_door_plate_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_door_plate_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["user.id"],
            name=op.f("fk_door_plate_revoked_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_door_plate")),
        sa.UniqueConstraint("token", name=op.f("uq_door_plate_token")),
    )
    with op.batch_alter_table("door_plate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_door_plate_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(
            "uq_door_plate_active_household",
            ["household_id"],
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        )


def downgrade():
    with op.batch_alter_table("door_plate", schema=None) as batch_op:
        batch_op.drop_index("uq_door_plate_active_household")
        batch_op.drop_index(batch_op.f("ix_door_plate_household_id"))
    op.drop_table("door_plate")
