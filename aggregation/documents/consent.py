"""Households without recorded consent in evidence lists: counted, never named.

A row stays in its list (so the list still adds up to the figure it backs) but shows only its
thôn and answer; a line under the total says how many rows were not named (docs/privacy.md).
"""

from sqlalchemy import func

from aggregation import numbers
from survey_app.households.models import Household

UNNAMED = "(không nêu tên: hộ chưa đồng ý)"
PRIVACY_LABEL = "Bảo vệ dữ liệu cá nhân"
NOTE = "thuộc hộ chưa có sự đồng ý: được đếm nhưng không nêu tên"


def consented_column(H=Household):
    """The column each list row carries to decide whether it may be named (``H``: the
    households the list reads, today's or as they stood)."""
    return H.has_consent.label("consented")


def count_unnamed(session, statement, src=None) -> int:
    """Rows of an evidence statement whose household has no recorded consent."""
    H = src.H if src is not None else Household
    stmt = statement.with_only_columns(func.count()).where(~H.has_consent)
    return session.scalar(stmt.order_by(None)) or 0


def note(unnamed: int, unit: str) -> str | None:
    """'2 người thuộc hộ chưa có sự đồng ý: …', or None when every row is named."""
    if not unnamed:
        return None
    return f"{numbers.format_int(unnamed)} {unit} {NOTE}"
