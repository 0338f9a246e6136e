"""Help records ("Đã hỗ trợ") and training classes (lớp tập huấn kỹ năng số) with attendees.

A help record hangs on the person and household, not on a village: merging villages moves
households (places/services.py merge_village), so the village is always the household's own.
"""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.households.vocabulary import sql_in
from survey_app.places.models import Village
from survey_app.timeutil import utcnow
from survey_app.tokens import new_token

# What a volunteer helped with. Keys are stored; labels are shown.
HELP_KINDS = {
    "cai_vneid": "Cài đặt, kích hoạt VNeID",
    "mo_tai_khoan": "Mở tài khoản thanh toán",
    "cai_ptt": "Cài phần mềm an toàn",
    "chu_ky_so": "Đăng ký chữ ký số",
    "dvc": "Dùng dịch vụ công trực tuyến",
    "ho_so_suc_khoe": "Hồ sơ sức khỏe điện tử",
    "khac": "Việc khác",
}
# The survey answer a kind of help may change (the volunteer updates it on the household page).
HELP_ANSWER = {
    "cai_vneid": "VNeID",
    "mo_tai_khoan": "Tài khoản thanh toán",
    "cai_ptt": "Phần mềm an toàn thông tin",
    "chu_ky_so": "Chữ ký số",
    "dvc": "Dịch vụ công trực tuyến",
    "ho_so_suc_khoe": "Hồ sơ sức khỏe điện tử",
}
NOTE_MAX = 200


class HelpRecord(db.Model):
    __tablename__ = "help_record"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(HELP_KINDS)})", "kind"),
        Index("ix_help_record_household_helped_at", "household_id", "helped_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    helped_by_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    helped_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship()
    household: Mapped[Household] = relationship()
    helped_by: Mapped[Optional[User]] = relationship()

    @property
    def kind_label(self) -> str:
        return HELP_KINDS.get(self.kind, self.kind)


class TrainingClass(db.Model):
    __tablename__ = "training_class"
    __table_args__ = (Index("ix_training_class_village_held_on", "village_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    village: Mapped[Village] = relationship()
    created_by: Mapped[Optional[User]] = relationship()

    @property
    def source_label(self) -> str:
        """How evidence lists cite the class: 'Lớp tập huấn 05/03/2026, Nhà văn hóa thôn'."""
        return source_label(self.held_on, self.place)


def source_label(held_on: date, place: str) -> str:
    return f"Lớp tập huấn {held_on.strftime('%d/%m/%Y')}, {place}"


class ClassAttendance(db.Model):
    __tablename__ = "class_attendance"
    __table_args__ = (UniqueConstraint("class_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_class.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    training_class: Mapped[TrainingClass] = relationship()
    person: Mapped[Person] = relationship()
    added_by: Mapped[Optional[User]] = relationship()
