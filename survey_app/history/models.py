"""Version tables: one row per state a household, person or village has been in.

Each versioned table ``X`` has a twin ``X_version`` holding every column of ``X`` (its ``id`` as
``X_id``) and when the state held: from ``valid_from`` until ``valid_to`` (open while it is the
current state; closed, with no successor, when the row was deleted). Who made the state, and
through what (page, sync, import, merge, restore, anonymise…), is on the version itself.

The twin is built from the live table, so a column added to ``household`` is versioned too (and
the migration check in tests/test_migrations.py asks for it in ``household_version``).
"""

from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table

from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.places.models import Village

SOURCES = {
    "page": "Trang web",
    "sync": "Điện thoại đồng bộ",
    "import": "Nhập tệp",
    "merge": "Gộp thôn",
    "merge_people": "Gộp người trùng",
    "remove": "Xóa / khôi phục",
    "undo": "Hoàn tác",
    "restore": "Khôi phục giá trị cũ",
    "anonymise": "Ẩn danh khi hết hạn lưu",
    "round": "Đợt khảo sát",
    "cli": "Lệnh quản trị",
    "migration": "Có từ trước khi lưu lịch sử",
    "system": "Hệ thống",
}


def _twin(live: Table) -> Table:
    key = f"{live.name}_id"
    columns: list[Any] = [
        Column("version_id", Integer, primary_key=True),
        Column(key, Integer, nullable=False),
        Column("valid_from", DateTime, nullable=False),
        Column("valid_to", DateTime, nullable=True),
        Column("changed_by_id", Integer, ForeignKey("user.id"), nullable=True),
        Column("source", String(16), nullable=False),
    ]
    columns += [Column(c.name, c.type, nullable=True) for c in live.columns if c.name != "id"]
    return Table(
        f"{live.name}_version",
        db.metadata,
        *columns,
        Index(f"ix_{live.name}_version_{key}", key, "valid_from"),
        Index(f"ix_{live.name}_version_valid_to", "valid_to"),
        # an operation (survey_app/operations) finds its versions by their instant
        Index(f"ix_{live.name}_version_valid_from", "valid_from"),
    )


household_version = _twin(Household.__table__)  # type: ignore[arg-type]
person_version = _twin(Person.__table__)  # type: ignore[arg-type]
village_version = _twin(Village.__table__)  # type: ignore[arg-type]
Index("ix_household_version_commune", household_version.c.commune_id)
Index("ix_person_version_household", person_version.c.household_id)

# live model → its version table, in the order versions are written (parents first)
VERSIONED: dict[Any, Table] = {
    Village: village_version,
    Household: household_version,
    Person: person_version,
}
BY_NAME = {model.__tablename__: (model, table) for model, table in VERSIONED.items()}
