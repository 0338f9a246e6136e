"""Small helpers shared by the admin page tests."""

from sqlalchemy import select

from survey_app.audit import AuditLog
from survey_app.extensions import db


def audit_rows(action: str, object_type: str) -> list[AuditLog]:
    """Audit rows with ``action`` on ``object_type``, oldest first."""
    stmt = (
        select(AuditLog)
        .where(AuditLog.action == action, AuditLog.object_type == object_type)
        .order_by(AuditLog.id)
    )
    return list(db.session.scalars(stmt))


def page(response) -> str:
    return response.get_data(as_text=True)
