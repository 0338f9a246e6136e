"""Time helpers: stored times are naive UTC; pages show Vietnam time (UTC+7, no DST)."""

from datetime import UTC, datetime, timedelta

VN_OFFSET = timedelta(hours=7)


def utcnow() -> datetime:
    """Current time as naive UTC, the form every timestamp column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_vn(value: datetime | None) -> datetime | None:
    """Convert a stored naive-UTC time to Vietnam local time for display."""
    return value + VN_OFFSET if value else None


def vn_today():
    """Today's date in Vietnam (the date a volunteer sees on the wall calendar)."""
    return to_vn(utcnow()).date()
