"""Jinja filters for Vietnamese display: dates, numbers, tri-state answers."""

from datetime import date, datetime

from flask import Flask

from aggregation import numbers
from survey_app.accounts.models import LEADERS, ROLE_LABELS, STAFF
from survey_app.households.vocabulary import CU_TRU, GIOI_TINH, VNEID
from survey_app.timeutil import to_vn


def vn_number(value: int | None) -> str:
    """1234567 → '1.234.567' (Vietnamese thousands separator)."""
    if value is None:
        return ""
    return f"{value:,}".replace(",", ".")


def vn_datetime(value: datetime | None) -> str:
    local = to_vn(value)
    return local.strftime("%H:%M %d/%m/%Y") if local else ""


def vn_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def vn_percent(value) -> str:
    """94.92 → '94,92%' as the reports print it."""
    return "" if value is None else numbers.format_percent(value)


def tri(value: bool | None) -> str:
    return {True: "Có", False: "Không", None: "Chưa hỏi"}[value]


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        vn_number=vn_number,
        vn_datetime=vn_datetime,
        vn_date=vn_date,
        vn_percent=vn_percent,
        tri=tri,
    )
    app.jinja_env.globals.update(
        ROLE_LABELS=ROLE_LABELS,
        STAFF=STAFF,
        LEADERS=LEADERS,
        CU_TRU=CU_TRU,
        GIOI_TINH=GIOI_TINH,
        VNEID=VNEID,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
