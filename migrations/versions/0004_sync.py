"""sync: pushed changes (exactly once), change counters, stamps and tombstones for pull cursors

Revision ID: 0004_sync
Revises: 0003_exports
Create Date: 2026-11-23 18:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004_sync"
down_revision = "0003_exports"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sync_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("household_token", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending','applied','conflict')", name=op.f("ck_sync_change_status")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_sync_change_user_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_change")),
        sa.UniqueConstraint("change_id", name=op.f("uq_sync_change_change_id")),
    )
    with op.batch_alter_table("sync_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_change_household_token"), ["household_token"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sync_change_user_id"), ["user_id"], unique=False)

    op.create_table(
        "sync_counter",
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["commune.id"],
            name=op.f("fk_sync_counter_commune_id_commune"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("commune_id", name=op.f("pk_sync_counter")),
    )

    op.create_table(
        "sync_stamp",
        sa.Column("household_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("household_token", sa.String(length=32), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("household_id", name=op.f("pk_sync_stamp")),
    )
    with op.batch_alter_table("sync_stamp", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_stamp_commune_id"), ["commune_id"], unique=False)
        batch_op.create_index("ix_sync_stamp_village_seq", ["village_id", "seq"], unique=False)

    op.create_table(
        "sync_tombstone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_token", sa.String(length=32), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_tombstone")),
    )
    with op.batch_alter_table("sync_tombstone", schema=None) as batch_op:
        batch_op.create_index("ix_sync_tombstone_village_seq", ["village_id", "seq"], unique=False)


def downgrade():
    with op.batch_alter_table("sync_tombstone", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_tombstone_village_seq")
    op.drop_table("sync_tombstone")
    with op.batch_alter_table("sync_stamp", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_stamp_village_seq")
        batch_op.drop_index(batch_op.f("ix_sync_stamp_commune_id"))
    op.drop_table("sync_stamp")
    op.drop_table("sync_counter")
    with op.batch_alter_table("sync_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_change_user_id"))
        batch_op.drop_index(batch_op.f("ix_sync_change_household_token"))
    op.drop_table("sync_change")
