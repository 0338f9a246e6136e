"""NUL, ESC and other control characters are refused on every way in, with one message."""

from datetime import date

import pytest
from sqlalchemy import func, select

from household_forms import rules
from survey_app.assistance.models import HelpRecord
from survey_app.extensions import db
from survey_app.households.models import Household
from survey_app.imports import services as imports
from survey_app.imports.parsing import parse_file
from survey_app.places.models import Village
from tests.imports.support import csv_bytes

CONTROLS = ("\x00", "\x1b[31m", "\x07", "\x7f", "\u202e")
TEXT_COLUMNS = ("Thôn", "Mã hộ", "Chủ hộ", "Địa chỉ", "Họ và tên", "Quan hệ với chủ hộ")


def _row(**cells) -> dict:
    base = {"Thôn": "Thôn 1", "Mã hộ": "C-1", "Họ và tên": "Lê Văn Tám"}
    return base | {"Ngày sinh": "1950", "Giới tính": "Nam"} | cells


@pytest.mark.parametrize("control", CONTROLS)
def test_import_reports_each_text_cell_with_a_control_character(control):
    rows = [_row(**{column: f"A{control}B"}) for column in TEXT_COLUMNS]
    parsed = parse_file("ho.csv", csv_bytes(rows), date(2025, 6, 15))
    found = {(e.row, e.column, e.reason) for e in parsed.errors}
    expected = {(n, column, rules.CONTROL) for n, column in enumerate(TEXT_COLUMNS, start=2)}
    assert expected <= found


def test_an_import_with_a_control_character_writes_nothing(world):
    before = db.session.scalar(select(func.count()).select_from(Household))
    data = csv_bytes([_row(), _row(**{"Mã hộ": "C-2", "Chủ hộ": "Nguyễn\x00 Văn"})])
    outcome = imports.import_file(
        None, world.commune, "ho.csv", data, date(2025, 6, 15), consent_by="Cán bộ xã"
    )
    assert outcome.summary is None and [e.reason for e in outcome.errors] == [rules.CONTROL]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Household)) == before


def test_page_forms_refuse_control_characters(client, auth, world):
    auth.login("canbo")
    response = client.post("/quan-ly/thon", data={"name": "Thôn\x1b[31m 9"})
    assert rules.CONTROL in response.get_data(as_text=True)
    assert db.session.scalar(select(Village).where(Village.name.like("%9"))) is None
    person = world.hh1.members[0]
    url = f"/ho/{world.hh1.token}/ho-tro/{person.token}"
    refused = client.post(url, data={"kinds": ["cai_vneid"], "note": "đã cài\x00"})
    assert refused.status_code == 422 and rules.CONTROL in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(HelpRecord)) == 0
    # A note may keep its line breaks: they are not control characters to refuse.
    assert (
        client.post(url, data={"kinds": ["cai_vneid"], "note": "dòng 1\r\ndòng 2"}).status_code
        == 302
    )


def test_household_visit_note_refuses_control_characters(client, auth, world):
    auth.login("tnv1")
    url = f"/ho/{world.hh1.token}/lan-den"
    response = client.post(url, data={"version": "1", "visit_outcome": "tu_choi", "note": "x\x1b"})
    assert response.status_code == 422 and rules.CONTROL in response.get_data(as_text=True)
