"""Sync bookkeeping: pushed changes (exactly once), per-commune change counters, stamps, tombstones.

Pull cursors rest on SyncStamp: each household carries the commune sequence number (``seq``) of
the last change the sync feed noticed. Numbers are handed out under the commune's SyncCounter row
lock, so they become visible in the order they were given (see survey_app/sync/feed.py).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.extensions import db
from survey_app.timeutil import utcnow

APPLIED = "applied"
CONFLICT = "conflict"


class SyncChange(db.Model):
    """One pushed change that was applied or refused as a conflict, keyed by the client's UUID."""

    __tablename__ = "sync_change"
    __table_args__ = (CheckConstraint("status IN ('pending','applied','conflict')", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    household_token: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    # What the phone sent, kept even when refused, so nothing a volunteer typed is ever lost.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncCounter(db.Model):
    """The last sequence number handed out in a commune."""

    __tablename__ = "sync_counter"

    commune_id: Mapped[int] = mapped_column(
        ForeignKey("commune.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class SyncStamp(db.Model):
    """The state of a household when the feed last noticed a change to it.

    No foreign key to household on purpose: the stamp must outlive a deleted household so the
    feed can tell phones to drop it.
    """

    __tablename__ = "sync_stamp"
    __table_args__ = (Index("ix_sync_stamp_village_seq", "village_id", "seq"),)

    household_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    household_token: Mapped[str] = mapped_column(String(32))
    commune_id: Mapped[int] = mapped_column(index=True)
    village_id: Mapped[int]
    version: Mapped[int]
    seq: Mapped[int] = mapped_column(BigInteger)


class SyncTombstone(db.Model):
    """A household that left a village (deleted, or moved to another village)."""

    __tablename__ = "sync_tombstone"
    __table_args__ = (Index("ix_sync_tombstone_village_seq", "village_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_token: Mapped[str] = mapped_column(String(32))
    commune_id: Mapped[int]
    village_id: Mapped[int]
    seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
