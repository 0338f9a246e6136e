"""Per-commune report settings and the results staff enter for manual indicators."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.places.models import Commune
from survey_app.timeutil import utcnow

DEFAULT_CRITERIA = ["thanh-hoa-1829"]
# One 5-year plan period (2021–2025, 2026–2030): communes compare years within it (docs/privacy.md).
DEFAULT_RETENTION_YEARS = 5


class CommuneSettings(db.Model):
    """How a commune counts. A commune without a row uses the defaults below (docs/domain.md)."""

    __tablename__ = "commune_settings"
    __table_args__ = (
        CheckConstraint("working_age_rule IN ('legal', 'classic')", "working_age_rule"),
        CheckConstraint("adult_age IN (15, 18)", "adult_age"),
        CheckConstraint("decimals BETWEEN 0 AND 4", "decimals"),
        CheckConstraint("retention_years BETWEEN 1 AND 50", "retention_years"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(
        ForeignKey("commune.id", ondelete="CASCADE"), unique=True
    )
    # Ids of the criteria sets the commune reports against, in display order.
    criteria_ids: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_CRITERIA))
    # {criteria_id: {indicator_code: {"2024": 70.0}}}: a commune's own targets, per year.
    target_overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    working_age_rule: Mapped[str] = mapped_column(String(10), default="legal")
    adult_age: Mapped[int] = mapped_column(default=15)
    count_tam_vang: Mapped[bool] = mapped_column(default=True)
    decimals: Mapped[int] = mapped_column(default=2)
    # Years after a household's last change before `flask anonymise` clears its personal data.
    retention_years: Mapped[int] = mapped_column(
        default=DEFAULT_RETENTION_YEARS, server_default=str(DEFAULT_RETENTION_YEARS)
    )
    # What the commune's documents print (docs/reports.md): the authority above the commune
    # ("UBND HUYỆN HOẰNG HÓA"), the report's number ("125/BC-UBND"), who signs and as what.
    parent_authority: Mapped[str] = mapped_column(String(120), default="", server_default="")
    document_number: Mapped[str] = mapped_column(String(60), default="", server_default="")
    signer_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    signer_title: Mapped[str] = mapped_column(
        String(20), default="chu_tich", server_default="chu_tich"
    )
    preparer_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    commune: Mapped[Commune] = relationship()
    updated_by: Mapped[User | None] = relationship()

    @classmethod
    def defaults(cls, commune: Commune) -> "CommuneSettings":
        """Unsaved settings holding the defaults, for a commune that has none yet."""
        return cls(
            commune=commune,
            commune_id=commune.id,
            criteria_ids=list(DEFAULT_CRITERIA),
            target_overrides={},
            working_age_rule="legal",
            adult_age=15,
            count_tam_vang=True,
            decimals=2,
            retention_years=DEFAULT_RETENTION_YEARS,
            parent_authority="",
            document_number="",
            signer_title="chu_tich",
            signer_name="",
            preparer_name="",
        )

    def target_override(self, criteria_id: str, code: str, year: int) -> Decimal | None:
        """The commune's own target for this indicator and year, if it set one."""
        by_year = (self.target_overrides or {}).get(criteria_id, {}).get(code, {})
        value = by_year.get(str(year))
        return None if value is None else Decimal(str(value))


class ManualIndicatorResult(db.Model):
    """What staff entered for an indicator that is not counted from households."""

    __tablename__ = "manual_indicator_result"
    __table_args__ = (
        UniqueConstraint("commune_id", "criteria_id", "indicator_code", "year"),
        CheckConstraint("evaluation IS NULL OR evaluation IN ('dat', 'khong_dat')", "evaluation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"))
    criteria_id: Mapped[str] = mapped_column(String(60))
    indicator_code: Mapped[str] = mapped_column(String(20))
    year: Mapped[int]
    result_text: Mapped[str] = mapped_column(String(500), default="")
    numerator: Mapped[int | None]
    denominator: Mapped[int | None]
    percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    evaluation: Mapped[str | None] = mapped_column(String(10))  # 'dat' | 'khong_dat'
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    # A link to the evidence (the commune's web page, a product on a marketplace), printed in
    # PHỤ LỤC 01's "Tài liệu minh chứng" column.
    evidence_link: Mapped[str] = mapped_column(String(500), default="", server_default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    commune: Mapped[Commune] = relationship()
    updated_by: Mapped[User | None] = relationship()

    @property
    def passed(self) -> bool | None:
        return None if self.evaluation is None else self.evaluation == "dat"


# Indexes for the counting queries (aggregation/counting.py), declared here so the aggregation
# work owns them. Person rows are read per household with the columns that select populations.
Index("ix_person_household_cu_tru", Person.household_id, Person.cu_tru)
Index("ix_household_commune_village", Household.commune_id, Household.village_id)
