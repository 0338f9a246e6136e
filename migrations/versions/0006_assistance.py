"""assistance: help records, training classes and their attendees

Revision ID: 0006_assistance
Revises: 0005_visits
Create Date: 2026-12-01 20:23:26

"""

import sqlalchemy as sa
from alembic import op

revision = "0006_assistance"
down_revision = "0005_visits"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "training_class",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_training_class_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["village.id"], name=op.f("fk_training_class_village_id_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_class")),
        sa.UniqueConstraint("token", name=op.f("uq_training_class_token")),
    )
    with op.batch_alter_table("training_class", schema=None) as batch_op:
        batch_op.create_index(
            "ix_training_class_village_held_on", ["village_id", "held_on"], unique=False
        )

    op.create_table(
        "class_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["user.id"],
            name=op.f("fk_class_attendance_added_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_class.id"],
            name=op.f("fk_class_attendance_class_id_training_class"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_class_attendance_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_attendance")),
        sa.UniqueConstraint("class_id", "person_id", name=op.f("uq_class_attendance_class_id")),
    )
    with op.batch_alter_table("class_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_class_attendance_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "help_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("helped_by_id", sa.Integer(), nullable=True),
        sa.Column("helped_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('cai_vneid', 'mo_tai_khoan', 'cai_ptt', 'chu_ky_so', 'dvc', "
            "'ho_so_suc_khoe', 'khac')",
            name=op.f("ck_help_record_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["helped_by_id"],
            ["user.id"],
            name=op.f("fk_help_record_helped_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_help_record_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_help_record_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_record")),
    )
    with op.batch_alter_table("help_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_help_record_helped_by_id"), ["helped_by_id"], unique=False
        )
        batch_op.create_index(
            "ix_help_record_household_helped_at", ["household_id", "helped_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_help_record_person_id"), ["person_id"], unique=False)


def downgrade():
    with op.batch_alter_table("help_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_record_person_id"))
        batch_op.drop_index("ix_help_record_household_helped_at")
        batch_op.drop_index(batch_op.f("ix_help_record_helped_by_id"))

    op.drop_table("help_record")
    with op.batch_alter_table("class_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_attendance_person_id"))

    op.drop_table("class_attendance")
    with op.batch_alter_table("training_class", schema=None) as batch_op:
        batch_op.drop_index("ix_training_class_village_held_on")

    op.drop_table("training_class")
