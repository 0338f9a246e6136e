"""The product's one clock: times are stored as naive UTC; dates and times shown to people, and
every "today", are in the product's zone — Asia/Ho_Chi_Minh unless SURVEY_TIMEZONE names
another (an IANA zone name, checked when the app starts)."""

import os
from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"


@cache
def _zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone() -> ZoneInfo:
    """The product's time zone (SURVEY_TIMEZONE, default Asia/Ho_Chi_Minh)."""
    return _zone_named(os.environ.get("SURVEY_TIMEZONE") or DEFAULT_ZONE)


def check_zone() -> None:
    """Refuse an unknown SURVEY_TIMEZONE at start-up, with the name that was given."""
    name = os.environ.get("SURVEY_TIMEZONE") or DEFAULT_ZONE
    try:
        _zone_named(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"SURVEY_TIMEZONE={name!r} is not a known time zone") from exc


def utcnow() -> datetime:
    """Current time as naive UTC, the form every timestamp column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_vn(value: datetime | None) -> datetime | None:
    """A stored naive-UTC time in the product's zone (naive, for display)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(zone()).replace(tzinfo=None)


def start_of_day_utc(day: date) -> datetime:
    """The stored (naive UTC) time at which ``day`` begins in the product's zone."""
    local = datetime.combine(day, time.min, tzinfo=zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def vn_today() -> date:
    """Today's date in the product's zone (the date a volunteer sees on the wall calendar)."""
    return to_vn(utcnow()).date()  # type: ignore[union-attr]
