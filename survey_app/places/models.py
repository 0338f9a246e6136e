"""Province → Commune (xã/phường/đặc khu) → Village (thôn/tổ dân phố). No district level."""

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.timeutil import utcnow
from survey_app.tokens import new_token


class Province(db.Model):
    __tablename__ = "province"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    communes: Mapped[list["Commune"]] = relationship(back_populates="province")

    def __repr__(self) -> str:
        return f"<Province {self.name}>"


class Commune(db.Model):
    __tablename__ = "commune"
    __table_args__ = (UniqueConstraint("province_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    province: Mapped[Province] = relationship(back_populates="communes")
    villages: Mapped[list["Village"]] = relationship(
        back_populates="commune", order_by="Village.name"
    )

    @property
    def full_name(self) -> str:
        return f"{self.name}, {self.province.name}"

    def __repr__(self) -> str:
        return f"<Commune {self.name}>"


class Village(db.Model):
    __tablename__ = "village"
    __table_args__ = (UniqueConstraint("commune_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The public notice board (survey_app/board): shown only while the commune has it on; its
    # address carries its own token (made the first time it is switched on), not the village's.
    board_public: Mapped[bool] = mapped_column(default=False, server_default=false())
    board_token: Mapped[Optional[str]] = mapped_column(String(32), unique=True, index=True)

    commune: Mapped[Commune] = relationship(back_populates="villages")

    def __repr__(self) -> str:
        return f"<Village {self.name}>"
