"""Fast builders for aggregation tests: bulk inserts of households and people."""

import itertools
from datetime import date

from sqlalchemy import insert, select

from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.households.vocabulary import HOUSEHOLD_YESNO, PERSON_YESNO
from survey_app.tokens import new_token
from tests import builders

_seq = itertools.count(1)

PERSON_DEFAULTS = {
    "gioi_tinh": "nam",
    "cu_tru": "co_mat",
    "birth_year_only": False,
    "quan_he": "",
    "position": 0,
    "vneid": None,
    **dict.fromkeys(PERSON_YESNO),
}
# Every row carries every key so executemany sends one uniform batch.
HOUSEHOLD_DEFAULTS = {"surveyed_at": None, **dict.fromkeys(HOUSEHOLD_YESNO)}


def commune_with_villages(*names, commune="Hoàng Kim", province="Thanh Hóa"):
    """A commune and its villages (by name), flushed."""
    place = builders.make_commune(commune, province)
    return place, [builders.make_village(place, name) for name in names]


def add_households(village, rows: list[dict]) -> list[int]:
    """Insert households (dicts of Household fields) in one executemany; return their ids."""
    prefix = f"H{next(_seq)}-"
    data = [
        {
            "commune_id": village.commune_id,
            "village_id": village.id,
            "ma_ho": row.pop("ma_ho", None) or f"{prefix}{i:06d}",
            "chu_ho": row.pop("chu_ho", "Chủ hộ"),
            "token": new_token(),
            **HOUSEHOLD_DEFAULTS,
            **row,
        }
        for i, row in enumerate(rows)
    ]
    db.session.execute(insert(Household), data)
    codes = [row["ma_ho"] for row in data]
    found = db.session.execute(
        select(Household.ma_ho, Household.id).where(
            Household.commune_id == village.commune_id, Household.ma_ho.in_(codes)
        )
    )
    ids = dict(found.all())
    return [ids[code] for code in codes]


def add_people(household_id: int, rows: list[dict]) -> None:
    """Insert people of one household in one executemany."""
    add_people_bulk([{"household_id": household_id, **row} for row in rows])


def add_people_bulk(rows: list[dict]) -> None:
    """Insert people (dicts with household_id, birth_date...) in batches."""
    data = [
        {
            **PERSON_DEFAULTS,
            "ho_ten": row.get("ho_ten") or f"Người {next(_seq)}",
            "token": new_token(),
            **row,
        }
        for row in rows
    ]
    for start in range(0, len(data), 5000):
        db.session.execute(insert(Person), data[start : start + 5000])


def born(years_before: int, as_of: date = date(2023, 12, 31)) -> date:
    """A birth date ``years_before`` whole years (plus a little) before ``as_of``."""
    return date(as_of.year - years_before, 6, 1)
