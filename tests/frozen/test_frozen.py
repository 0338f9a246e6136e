"""A frozen report's documents come out the same after the data, a village's name and a target
have changed; its page shows what changed since."""

import io
import re
from datetime import date

import docx
import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.frozen.models import FrozenReport
from survey_app.households.models import Household
from survey_app.households.services import save_household
from survey_app.places.services import rename_village
from survey_app.reports.services import set_targets
from survey_app.timeutil import vn_today
from tests.exports.support import SET, YEAR, populate

FORMATS = ("csv", "xlsx", "pdf", "docx")
THIS_YEAR = vn_today().year


@pytest.fixture(params=[YEAR, THIS_YEAR], ids=["past-year", "this-year"])
def frozen(request, client, auth, world):
    """A report frozen by the officer: of a past year (data as it stood on 31/12), or of this
    year (data as it stands at the moment of freezing)."""
    populate(world)
    auth.login("canbo")
    response = client.post(
        f"/bao-cao/xa/{world.commune.token}/chot-so-lieu",
        data={"criteria": SET, "year": str(request.param), "as_of": "", "scope": ""},
    )
    assert response.status_code == 302, response.text
    return db.session.scalars(select(FrozenReport)).one()


def download(client, frozen, fmt) -> bytes:
    response = client.get(f"/bao-cao-chot/{frozen.token}/tai-ve/{fmt}")
    assert response.status_code == 200, response.text
    return response.data


def content(fmt: str, data: bytes):
    """What must not change: CSV bytes, XLSX cell values, PDF and DOCX text."""
    if fmt == "csv":
        return data
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return {s.title: [tuple(r) for r in s.iter_rows(values_only=True)] for s in book}
    if fmt == "pdf":
        return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [p.text for p in document.paragraphs] + cells


def change_everything(world):
    """Answers change, a person is added, a village is renamed, a target is moved."""
    household = db.session.scalars(select(Household).where(Household.ma_ho == "EX-00")).one()
    members = [
        {"token": p.token, "chu_ky_so": True, "tk_thanh_toan": True} for p in household.members
    ]
    members.append(
        {
            "ho_ten": "Người Mới Đến",
            "birth_date": date(1990, 1, 1),
            "gioi_tinh": "nam",
            "birth_year_only": False,
            "cu_tru": "co_mat",
            "tk_thanh_toan": True,
        }
    )
    save_household(
        world.officer, household, {"consent": True, "members": members}, household.version
    )
    rename_village(world.officer, world.thon1, "Thôn Một Mới")
    for year in (YEAR, THIS_YEAR):
        set_targets(world.officer, world.commune, SET, year, {"3.4": 99.0})
    db.session.commit()


def test_documents_of_a_frozen_report_do_not_change(client, frozen, world):
    before = {fmt: content(fmt, download(client, frozen, fmt)) for fmt in FORMATS}
    change_everything(world)
    for fmt in FORMATS:
        assert content(fmt, download(client, frozen, fmt)) == before[fmt], fmt
    # and the live export of today differs, so the test could fail
    text = " ".join(str(c) for rows in before["xlsx"].values() for row in rows for c in row)
    assert "Thôn 1" in text and "Thôn Một Mới" not in text


def test_the_page_shows_what_changed_since(client, frozen, world):
    page = client.get(f"/bao-cao-chot/{frozen.token}").get_data(as_text=True)
    assert page.count("không đổi") >= 10
    change_everything(world)
    page = re.sub(r"\s+", " ", client.get(f"/bao-cao-chot/{frozen.token}").get_data(as_text=True))
    changed = re.findall(r'<tr class="changed"> <th scope="row">([\d.]+)', page)
    assert "3.4" in changed  # its target moved and answers changed
    assert frozen.figures["indicators"][3]["code"] == "3.4"
    [row] = db.session.scalars(select(AuditLog).where(AuditLog.action == "report_freeze")).all()
    assert row.details["report"] == frozen.token and row.user_id == world.officer.id


def test_a_volunteer_and_another_commune_cannot_see_it(client, auth, frozen):
    auth.logout()
    for user in ("tnv1", "canbo2"):
        auth.login(user)
        assert client.get(f"/bao-cao-chot/{frozen.token}").status_code == 404
        assert client.get(f"/bao-cao-chot/{frozen.token}/tai-ve/csv").status_code == 404
        auth.logout()
