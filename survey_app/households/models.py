"""Households (hộ) and their members (nhân khẩu)."""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.households.vocabulary import CU_TRU, GIOI_TINH, VNEID, sql_in
from survey_app.places.models import Commune, Village
from survey_app.timeutil import utcnow
from survey_app.tokens import new_token

TriState = Optional[bool]  # None = chưa hỏi (unknown), False = Không, True = Có


class Household(db.Model):
    __tablename__ = "household"
    __table_args__ = (
        UniqueConstraint("commune_id", "ma_ho"),
        Index("ix_household_village_surveyed", "village_id", "surveyed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    ma_ho: Mapped[str] = mapped_column(String(40))
    chu_ho: Mapped[str] = mapped_column(String(120))
    dia_chi: Mapped[str] = mapped_column(String(255), default="")
    so_dien_thoai: Mapped[Optional[str]] = mapped_column(String(20))
    gps_lat: Mapped[Optional[float]] = mapped_column(Float)
    gps_lng: Mapped[Optional[float]] = mapped_column(Float)

    cap_quang: Mapped[TriState] = mapped_column(Boolean)
    dien_khong_tien_mat: Mapped[TriState] = mapped_column(Boolean)
    dia_chi_so: Mapped[TriState] = mapped_column(Boolean)
    ho_kinh_doanh: Mapped[TriState] = mapped_column(Boolean)
    kd_thanh_toan_dt: Mapped[TriState] = mapped_column(Boolean)
    kd_san_tmdt: Mapped[TriState] = mapped_column(Boolean)

    gps_accuracy: Mapped[Optional[float]] = mapped_column(Float)  # metres, as the phone said
    gps_at: Mapped[Optional[datetime]]

    consent_given: Mapped[bool] = mapped_column(default=False)
    consent_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    consent_at: Mapped[Optional[datetime]]
    # The commune's word that it collected an imported register with the household's consent:
    # who vouched (name as recorded at import) and when. Counts as consent for naming in lists.
    register_consent_by: Mapped[Optional[str]] = mapped_column(String(160))
    register_consent_at: Mapped[Optional[datetime]]
    # Set when the retention period passed and the personal data was cleared (privacy/).
    anonymised_at: Mapped[Optional[datetime]]
    # Removed by an officer (a sample row imported by mistake, a household that does not exist):
    # out of every count and list, kept with the reason, and can be restored (households/removal).
    removed_at: Mapped[Optional[datetime]]
    removed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    removed_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Who surveyed: the first visit that left the household complete. Later edits (a village
    # head's one-field fix) move only last_edited_*.
    surveyed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    surveyed_at: Mapped[Optional[datetime]]
    last_edited_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    last_edited_at: Mapped[Optional[datetime]]
    # A visit that did not survey: khong_co_nha / hen_lai (with revisit_on) / tu_choi /
    # da_chuyen_di (survey_app/households/status.py). Cleared when the household is surveyed.
    visit_outcome: Mapped[Optional[str]] = mapped_column(String(16))
    visit_outcome_at: Mapped[Optional[datetime]]
    visit_outcome_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    revisit_on: Mapped[Optional[date]]
    note: Mapped[str] = mapped_column(String(500), default="")
    # When a volunteer last confirmed the household's own answers, or changed them (rounds/).
    confirmed_at: Mapped[Optional[datetime]]

    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    commune: Mapped[Commune] = relationship()
    village: Mapped[Village] = relationship()
    consent_by: Mapped[Optional[User]] = relationship(foreign_keys=[consent_by_id])
    surveyed_by: Mapped[Optional[User]] = relationship(foreign_keys=[surveyed_by_id])
    last_edited_by: Mapped[Optional[User]] = relationship(foreign_keys=[last_edited_by_id])
    visit_outcome_by: Mapped[Optional[User]] = relationship(foreign_keys=[visit_outcome_by_id])
    # The members who count: a removed member is out of the list, so an edit of the household
    # never touches (or deletes) them. ``all_members`` includes them (restoring, history).
    members: Mapped[list["Person"]] = relationship(
        back_populates="household",
        primaryjoin="and_(Household.id == Person.household_id, Person.removed_at.is_(None))",
        order_by="Person.position",
        cascade="all, delete-orphan",
    )
    all_members: Mapped[list["Person"]] = relationship(
        primaryjoin="Household.id == Person.household_id",
        order_by="Person.position",
        viewonly=True,
    )

    @hybrid_property
    def has_consent(self) -> bool:
        """Agreed at a visit, or the commune vouched for the register it was imported from."""
        return self.consent_given or self.register_consent_at is not None

    @has_consent.inplace.expression
    @classmethod
    def _has_consent_expression(cls) -> ColumnElement[bool]:
        return or_(cls.consent_given.is_(True), cls.register_consent_at.is_not(None))

    @property
    def surveyed(self) -> bool:
        return self.surveyed_at is not None

    def __repr__(self) -> str:
        return f"<Household {self.ma_ho}>"


class Person(db.Model):
    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint(f"gioi_tinh IN ({sql_in(GIOI_TINH)})", "gioi_tinh"),
        CheckConstraint(f"cu_tru IN ({sql_in(CU_TRU)})", "cu_tru"),
        CheckConstraint(f"vneid IS NULL OR vneid IN ({sql_in(VNEID)})", "vneid"),
        Index("ix_person_household_position", "household_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    ho_ten: Mapped[str] = mapped_column(String(120))
    # Effective birth date used for every age computation. When only the year is known it is
    # 1 July of that year (docs/domain.md convention) and birth_year_only is set.
    birth_date: Mapped[date]
    birth_year_only: Mapped[bool] = mapped_column(default=False)
    gioi_tinh: Mapped[str] = mapped_column(String(3))
    quan_he: Mapped[str] = mapped_column(String(40), default="")
    cu_tru: Mapped[str] = mapped_column(String(16), default="co_mat")

    dt_thong_minh: Mapped[TriState] = mapped_column(Boolean)
    ptt_an_toan: Mapped[TriState] = mapped_column(Boolean)
    tk_thanh_toan: Mapped[TriState] = mapped_column(Boolean)
    vneid: Mapped[Optional[str]] = mapped_column(String(16))
    chu_ky_so: Mapped[TriState] = mapped_column(Boolean)
    ky_nang_so: Mapped[TriState] = mapped_column(Boolean)
    dvc_truc_tuyen: Mapped[TriState] = mapped_column(Boolean)
    ho_so_suc_khoe: Mapped[TriState] = mapped_column(Boolean)
    kham_tu_xa: Mapped[TriState] = mapped_column(Boolean)
    # Items not asked of this person when last saved ("không áp dụng": a child's adult items, the
    # security-software item of someone without a smartphone), space-separated keys. Their values
    # are stored as None, never as False.
    khong_ap_dung: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # When a volunteer last confirmed this member's answers ("Không đổi"), or changed them: an
    # answer older than a survey round's start is "chưa xác nhận lại" in that round (rounds/).
    confirmed_at: Mapped[Optional[datetime]]
    # Removed by an officer (entered twice, merged into the same person, moved away long ago):
    # out of every count and list, kept with the reason, and can be restored.
    removed_at: Mapped[Optional[datetime]]
    removed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    removed_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    household: Mapped[Household] = relationship(back_populates="members")

    @property
    def birth_display(self) -> str:
        if self.birth_year_only:
            return str(self.birth_date.year)
        return self.birth_date.strftime("%d/%m/%Y")

    def __repr__(self) -> str:
        return f"<Person {self.ho_ten}>"
