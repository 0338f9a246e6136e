"""Test data for the exports: a few households per thôn with known answers, and an oracle.

Birth years sit far from every age limit (as of 31/12/2023), so who is in which population is
plain from the table below; the oracle reads the criteria YAML and these rules only — not the
engine's SQL — to say who each list must hold.
"""

import io
from datetime import date
from itertools import cycle

import openpyxl
from sqlalchemy import select

from aggregation.criteria import get_criteria
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from tests import builders
from tests.support.database import RECORDED_SINCE, data_true_since

SET, YEAR = "thanh-hoa-1829", 2023
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Vũ", "Bùi")
GIVEN = (
    ("Thị Ánh Tuyết", "nu"),
    ("Văn Ổn", "nam"),
    ("Thị Hường", "nu"),
    ("Đức Thắng", "nam"),
    ("Ngọc Ẩn", "nu"),
)
BIRTH_YEARS = (1950, 1980, 1990, 2005, 2015)  # 73, 43, 33, 18 and 8 years old at 31/12/2023


def in_population(person, population: str) -> bool:
    """Ages here are whole years at 31/12/2023, none near a limit (World: 53 and 48)."""
    age = YEAR - person.birth_date.year
    if population == "all_people":
        return True
    if population == "age14plus":
        return age >= 14
    if population in ("age15plus", "adults"):
        return age >= 15
    assert population == "working_age"
    return 15 <= age < (60 if person.gioi_tinh == "nam" else 55)


YESNO = (True, False, None)
VNEID = (None, "khong", "chua_kich_hoat", "muc_1", "muc_2")
PERSON_ITEMS = ("dt_thong_minh", "ptt_an_toan", "tk_thanh_toan", "chu_ky_so", "ky_nang_so")
PERSON_ITEMS += ("dvc_truc_tuyen", "ho_so_suc_khoe", "kham_tu_xa")


def populate(world, households_per_village: int = 3) -> None:
    """Add households with five members each to Thôn 1 and Thôn 2 (and noise elsewhere)."""
    names = cycle(SURNAMES)
    for v, village in enumerate((world.thon1, world.thon2)):
        for k in range(households_per_village):
            surname = next(names)
            household = builders.make_household(
                village,
                f"EX-{v}{k}",
                f"{surname} Văn Chủ",
                so_dien_thoai=f"09{v}{k}345678",
                dia_chi=f"Số {k + 1}, {village.name}",
                dien_khong_tien_mat=YESNO[(v + k) % 3],
            )
            for i, (given, sex) in enumerate(GIVEN):
                answers = {item: YESNO[(v + k + i + n) % 3] for n, item in enumerate(PERSON_ITEMS)}
                builders.make_person(
                    household,
                    f"{surname} {given}",
                    date(BIRTH_YEARS[i], 3 + i, 10),
                    gioi_tinh=sex,
                    cu_tru="da_chuyen_di" if (k, i) == (1, 4) else "co_mat",
                    vneid=VNEID[(v + k + i) % 5],
                    position=i,
                    **answers,
                )
    # The other commune: people who answer yes to everything must never show up in our lists.
    for i in range(3):
        builders.make_person(
            world.hh_other, f"Người Xã Khác {i}", date(1985, 1, 1), dt_thong_minh=True
        )
    db.session.commit()
    data_true_since(RECORDED_SINCE)  # the figures of past years read this data too


def _value(cond, record):
    raw = getattr(record, cond.field)
    if raw is None:
        return None
    return raw in cond.values if cond.values else raw is True


def expected(commune, code: str, village=None) -> tuple[list[tuple], int]:
    """(rows the numerator list must hold, denominator): (name, mã hộ) or (mã hộ,) per row."""
    ind = get_criteria(SET).indicator(code)
    stmt = select(Household).where(Household.commune_id == commune.id)
    if village is not None:
        stmt = stmt.where(Household.village_id == village.id)
    rows, denominator = [], 0
    for household in db.session.scalars(stmt):
        counted = [p for p in household.members if p.cu_tru in ("co_mat", "tam_vang")]
        if ind.unit_kind == "household":
            if counted:
                denominator += 1
                if _value(ind.numerator, household):
                    rows.append((household.ma_ho,))
            continue
        for person in counted:
            if not in_population(person, ind.population):
                continue
            if ind.denominator_filter and _value(ind.denominator_filter, person) is not True:
                continue
            denominator += 1
            if _value(ind.numerator, person):
                rows.append((person.ho_ten, household.ma_ho))
    return sorted(rows), denominator


def person_names() -> set[str]:
    return set(db.session.scalars(select(Person.ho_ten)))


# ---- reading files back ---------------------------------------------------------------------


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def sheet_rows(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def header_index(rows: list[tuple]) -> int:
    """Index of the column header row (the one starting with 'STT' or 'TT')."""
    return next(i for i, row in enumerate(rows) if row and row[0] in ("STT", "TT"))


def list_entries(sheet) -> list[tuple]:
    """Data rows of a list sheet (those whose STT is a number)."""
    rows = sheet_rows(sheet)
    start = header_index(rows) + 1
    return [row for row in rows[start:] if isinstance(row[0], int)]


def entry_keys(sheet, households: bool) -> list[tuple]:
    """(name, mã hộ) per person row, or (mã hộ,) per household row, sorted."""
    keys = []
    for row in list_entries(sheet):
        if households:
            keys.append((row[1],))
        else:
            keys.append((row[1], row[5].split("(")[1].split(")")[0]))
    return sorted(keys)


def label_line(sheet, label: str) -> tuple | None:
    """The first row whose first cell is ``label`` ('Tổng cộng', 'Cộng Thôn 1'...)."""
    return next((row for row in sheet_rows(sheet) if row and row[0] == label), None)


# ---- the access walk (tests/test_access_walk.py) ---------------------------------------------

WALK_JOB = "walk-export-job"


def walk_export_job(world) -> str:
    """Token of a finished export of xã Hoàng Kim owned by the officer, its file since removed.

    The walk restores the database after each POST, so the job is made again when missing.
    """
    from survey_app.exports.models import DONE, ExportJob

    if db.session.scalar(select(ExportJob.id).where(ExportJob.token == WALK_JOB)) is None:
        job = ExportJob(
            token=WALK_JOB,
            user_id=world.officer.id,
            commune_id=world.commune.id,
            criteria_id=SET,
            year=YEAR,
            as_of=date(YEAR, 12, 31),
            fmt="xlsx",
            status=DONE,
            file_name="minh-chung.xlsx",
        )
        db.session.add(job)
        db.session.commit()
    return WALK_JOB
