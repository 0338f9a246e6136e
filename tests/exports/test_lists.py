"""Every counted person (or household) is in the right list exactly once, nobody else is, and
each list's total line is the dashboard's figure — on SQLite and PostgreSQL."""

import re

import pytest
from sqlalchemy import update

from aggregation import compute, evidence_statement
from aggregation.documents import ExportError, ListChanged, build
from aggregation.documents.content import ExportRequest
from aggregation.documents.lists import items
from survey_app.extensions import db
from survey_app.households.models import Person
from tests.exports.support import (
    SET,
    YEAR,
    entry_keys,
    expected,
    label_line,
    list_entries,
    load,
    person_names,
)

HOUSEHOLD_POPULATIONS = ("households", "business_households")


def _data_indicators(report_json):
    return [i for i in report_json["indicators"] if i["kind"] == "household_data"]


def _statement_keys(world, code, village=None, which="numerator"):
    stmt = evidence_statement(
        db.session, world.commune, SET, code, YEAR, village_id=village and village.id, which=which
    )
    rows = db.session.scalars(stmt).all()
    if rows and hasattr(rows[0], "ho_ten"):
        return sorted((p.ho_ten, p.household.ma_ho) for p in rows)
    return sorted((h.ma_ho,) for h in rows)


def test_each_list_holds_exactly_the_counted_people(ex_world, export_bytes):
    report = compute(db.session, ex_world.commune, SET, YEAR).to_json()
    data, result = export_bytes(ex_world, "xlsx")
    book = load(data)
    indicators = _data_indicators(report)
    assert book.sheetnames == ["Tổng hợp"] + [f"PL {i['code']}" for i in indicators]
    others = {"Người Xã Khác 0", "Người Xã Khác 1", "Người Xã Khác 2"}
    assert others <= person_names()
    for item in indicators:
        sheet = book[f"PL {item['code']}"]
        households = item["population"] in HOUSEHOLD_POPULATIONS
        rows, denominator = expected(ex_world.commune, item["code"])
        keys = entry_keys(sheet, households)
        assert keys == rows, item["code"]  # each once, nobody else
        assert keys == _statement_keys(ex_world, item["code"])
        assert (len(keys), denominator) == (item["numerator"], item["denominator"])
        assert [row[0] for row in list_entries(sheet)] == list(range(1, len(keys) + 1))
        assert not others & {row[1] for row in list_entries(sheet)}
        assert label_line(sheet, "Tổng cộng")[3] == item["display"]
        for village in item["villages"]:
            line = label_line(sheet, f"Cộng {village['village']}")
            if village["numerator"]:
                assert line[3] == village["display"], (item["code"], village)
    assert result.rows == sum(i["numerator"] for i in indicators)
    assert 0 < result.rows


def test_village_lists_hold_only_that_village(ex_world, export_bytes):
    report = compute(db.session, ex_world.commune, SET, YEAR).to_json()
    data, _ = export_bytes(ex_world, "xlsx", village=ex_world.thon2)
    book = load(data)
    for item in _data_indicators(report):
        sheet = book[f"PL {item['code']}"]
        households = item["population"] in HOUSEHOLD_POPULATIONS
        rows, _den = expected(ex_world.commune, item["code"], ex_world.thon2)
        assert entry_keys(sheet, households) == rows
        assert {row[4 if not households else 3] for row in list_entries(sheet)} <= {"Thôn 2"}
        village = next(v for v in item["villages"] if v["village"] == "Thôn 2")
        assert label_line(sheet, "Tổng cộng")[3] == village["display"]
    heading = [row for row in load(data)["PL 3.4"].iter_rows(values_only=True)][:8]
    assert any(row[0] and row[0].startswith("Thôn 2, xã Hoàng Kim") for row in heading)


def test_complement_lists_everyone_else_and_masks_phones(ex_world, export_bytes):
    report = compute(db.session, ex_world.commune, SET, YEAR)
    data, _ = export_bytes(ex_world, "xlsx", complement=True)
    book = load(data)
    sheet = book["PL 3.4 chưa đạt"]
    item = report.indicator("3.4")
    entries = list_entries(sheet)
    assert len(entries) == item.denominator - item.numerator
    assert entry_keys(sheet, False) == _statement_keys(ex_world, "3.4", which="complement")
    assert {row[6] for row in entries} == {"Không", "Chưa hỏi"}
    assert sum(row[6] == "Chưa hỏi" for row in entries) == item.unknown
    phones = {row[7] for row in entries} - {None}  # World households have no phone
    assert phones and all(re.fullmatch(r"09\*{6}78", p) for p in phones), phones
    total = label_line(sheet, "Tổng cộng chưa đạt")[3]
    assert total.startswith(f"{item.denominator - item.numerator}/{item.denominator} = ")
    households = list_entries(book["PL 3.12"])
    assert any(row[5] for row in households)
    assert all(re.fullmatch(r"09\*{6}78", row[5]) for row in households if row[5])


def test_full_data_shows_whole_phone_numbers(ex_world, export_bytes):
    data, _ = export_bytes(ex_world, "xlsx", codes=("3.12",), full_data=True)
    phones = {row[5] for row in list_entries(load(data)["PL 3.12"])} - {None}
    assert phones and all(re.fullmatch(r"09\d{8}", p) for p in phones), phones


def test_bad_requests_are_refused(ex_world, export_bytes):
    with pytest.raises(ExportError, match="không có bộ tiêu chí"):
        export_bytes(ex_world, "xlsx", criteria="khong-co")
    with pytest.raises(ExportError, match="3.7"):
        export_bytes(ex_world, "xlsx", codes=("3.7",))
    with pytest.raises(ExportError, match="không thuộc xã"):
        export_bytes(ex_world, "xlsx", village=ex_world.other_village)


def test_a_list_that_changes_while_written_is_refused(ex_world):
    content = build(db.session, ExportRequest(ex_world.commune, SET, YEAR, codes=("3.4",)))
    db.session.execute(update(Person).values(dt_thong_minh=True))
    with pytest.raises(ListChanged, match="hãy xuất lại"):
        list(items(db.session, content.lists[0]))


def test_skills_list_cites_the_latest_training_class(ex_world, export_bytes):
    """3.1 (ky_nang_so) gets a "Nguồn" column: the latest class a person attended, else empty;
    its rows stay exactly the counted people."""
    from datetime import date

    from sqlalchemy import select

    from survey_app.assistance import services as assist
    from survey_app.households.models import Household

    people = db.session.scalars(
        select(Person)
        .join(Household)
        .where(Household.village_id == ex_world.thon1.id, Person.cu_tru == "co_mat")
        .order_by(Person.id)
    ).all()
    early = assist.create_class(
        ex_world.vol1, ex_world.thon1, date(2023, 3, 5), "Nhà văn hóa", "VNeID"
    )
    late = assist.create_class(
        ex_world.vol1, ex_world.thon1, date(2023, 9, 20), "Trường tiểu học", "Ví"
    )
    assist.add_attendees(ex_world.vol1, early, [p.token for p in people[:6]])
    assist.add_attendees(ex_world.vol1, late, [p.token for p in people[3:8]])
    dropped = people[0]  # attended, then the answer was corrected by hand: not in the list
    dropped.ky_nang_so = False
    db.session.commit()

    report = compute(db.session, ex_world.commune, SET, YEAR).to_json()
    figure = next(i for i in report["indicators"] if i["code"] == "3.1")
    book = load(export_bytes(ex_world, "xlsx")[0])
    sheet = book["PL 3.1"]
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[next(i for i, r in enumerate(rows) if r and r[0] == "STT")]
    assert header[-1] == "Nguồn" and header[-2] == "Được tập huấn kỹ năng số"
    entries = list_entries(sheet)
    assert len(entries) == figure["numerator"]  # the rows are still the figure
    assert entry_keys(sheet, False) == expected(ex_world.commune, "3.1")[0]
    got = {(row[1], row[5].split("(")[1].split(")")[0]): row[-1] or "" for row in entries}
    assert (dropped.ho_ten, dropped.household.ma_ho) not in got
    latest = {}  # person id -> label of the latest class, worked out here from the records
    for klass in (early, late):  # in date order: a later class overwrites an earlier one
        for row in assist.attendees(klass):
            latest[row.person_id] = f"Lớp tập huấn {klass.held_on:%d/%m/%Y}, {klass.place}"
    want = {
        (p.ho_ten, p.household.ma_ho): latest.get(p.id, "")
        for p in db.session.scalars(select(Person))
    }
    assert got == {key: want[key] for key in got}
    assert {
        "Lớp tập huấn 05/03/2023, Nhà văn hóa",
        "Lớp tập huấn 20/09/2023, Trường tiểu học",
    } <= set(got.values())
    assert "" in got.values()  # people trained without a recorded class keep an empty source
    assert "Nguồn" not in [c.value for c in book["PL 3.2"][header_row(book["PL 3.2"])]]


def header_row(sheet) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "STT")
