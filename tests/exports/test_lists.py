"""Every counted person (or household) is in the right list exactly once, nobody else is, and
each list's total line is the dashboard's figure — on SQLite and PostgreSQL."""

import re

import pytest
from sqlalchemy import update

from aggregation import compute, evidence_statement
from aggregation.exports import ExportError, ListChanged, build
from aggregation.exports.content import ExportRequest
from aggregation.exports.lists import items
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
