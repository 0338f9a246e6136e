"""sessions: a server-side session row per sign-in, and one-time sign-in QR codes

Revision ID: 0008_sessions
Revises: 0007_plates
Create Date: 2026-12-03 23:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008_sessions"
down_revision = "0007_plates"
branch_labels = None
depends_on = None


def _user_fk(table: str, column: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["user.id"], name=op.f(f"fk_{table}_{column}_user"), ondelete=ondelete
    )


def upgrade():
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("device", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_reason", sa.String(length=24), nullable=True),
        _user_fk("user_session", "user_id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_user_session_secret_hash")),
        sa.UniqueConstraint("token", name=op.f("uq_user_session_token")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_session_user_id"), ["user_id"], unique=False)
    op.create_table(
        "signin_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        _user_fk("signin_code", "user_id", "CASCADE"),
        _user_fk("signin_code", "issued_by_id", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["user_session.id"],
            name=op.f("fk_signin_code_session_id_user_session"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_code")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_signin_code_secret_hash")),
        sa.UniqueConstraint("token", name=op.f("uq_signin_code_token")),
    )
    with op.batch_alter_table("signin_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signin_code_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("signin_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signin_code_user_id"))
    op.drop_table("signin_code")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_id"))
    op.drop_table("user_session")
