"""One append-only log of who changed what. Every service that writes records here."""

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.extensions import db
from survey_app.timeutil import utcnow


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_key: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def record(user, action: str, obj_type: str, obj_key: str = "", **details) -> AuditLog:
    """Add an audit row to the current session (the caller commits)."""
    entry = AuditLog(
        user_id=getattr(user, "id", None),
        action=action,
        object_type=obj_type,
        object_key=str(obj_key),
        details=details,
    )
    db.session.add(entry)
    return entry
