"""A data operation an officer may take back: an import, a village merge, a merge of two people.

Its writes are versions in the history (survey_app/history) made at one instant, ``at``, through
one source; undoing it puts every row it wrote back to the version before, as long as nothing
changed that row since (operations/services.py).
"""

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.places.models import Commune
from survey_app.timeutil import utcnow
from survey_app.tokens import new_token

IMPORT, MERGE_VILLAGE, MERGE_PEOPLE = "import", "merge_village", "merge_people"
KINDS = {
    IMPORT: "Nhập tệp",
    MERGE_VILLAGE: "Gộp thôn",
    MERGE_PEOPLE: "Gộp người trùng",
}


class Operation(db.Model):
    __tablename__ = "data_operation"
    __table_args__ = (Index("ix_data_operation_commune_kind", "commune_id", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    kind: Mapped[str] = mapped_column(String(20))
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)  # the instant of its versions
    source: Mapped[str] = mapped_column(String(16))  # the history source of its versions
    label: Mapped[str] = mapped_column(String(200), default="")  # file name, village names…
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # counts and the like
    undone_at: Mapped[Optional[datetime]]
    undone_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))

    commune: Mapped[Commune] = relationship()
    user: Mapped[Optional[User]] = relationship(foreign_keys=[user_id])
    undone_by: Mapped[Optional[User]] = relationship(foreign_keys=[undone_by_id])

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Operation {self.kind} {self.token}>"
