"""One clock for the product: at 00:30 in Vietnam on New Year's Day (23:30 UTC on 31/12), the
import, the household form, the export's issue date and the default year all see 2027.

The product reads the time in one place (survey_app.timeutil.utcnow); the tests move that clock.
"""

from datetime import datetime
from io import BytesIO

import openpyxl
import pytest
from sqlalchemy import select

from survey_app import timeutil
from survey_app.extensions import db
from survey_app.households.models import Person
from tests.households.test_views import form_payload
from tests.imports.support import ROWS, csv_bytes, write

NEW_YEAR_MORNING_IN_VIETNAM = datetime(2026, 12, 31, 23, 30)  # 06:30 on 1/1/2027 at UTC+7


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(timeutil, "utcnow", lambda: NEW_YEAR_MORNING_IN_VIETNAM)


def _born(when: str) -> bytes:
    baby = ROWS[0] | {"Mã hộ": "HK-900", "Họ và tên": "Bé Tết", "Ngày sinh": when}
    return csv_bytes([baby])


def test_the_import_takes_vietnams_date(runner, world, tmp_path):
    args = ["import-households", "--province", "Thanh Hóa", "--commune", "Hoàng Kim"]
    tomorrow = runner.invoke(args=[*args, str(write(tmp_path, "b.csv", _born("02/01/2027")))])
    assert tomorrow.exit_code != 0 and "02/01/2027" in tomorrow.output
    today = runner.invoke(args=[*args, str(write(tmp_path, "a.csv", _born("01/01/2027")))])
    assert today.exit_code == 0, today.output
    born = db.session.scalar(select(Person.birth_date).where(Person.ho_ten == "Bé Tết"))
    assert born.isoformat() == "2027-01-01"


def test_the_household_form_takes_vietnams_date(client, auth, world):
    auth.login("tnv1")
    url = f"/thon/{world.thon1.token}/ho-moi"
    page = client.post(url, data=form_payload(members={0: {"ngay_sinh": "02/01/2027"}})).text
    assert "chưa tới" in page
    assert (
        client.post(url, data=form_payload(members={0: {"ngay_sinh": "01/01/2027"}})).status_code
        == 302
    )


def test_the_export_is_issued_in_vietnams_year(runner, world, tmp_path):
    out = tmp_path / "xa.xlsx"
    args = ["export-evidence", "--commune", "Hoàng Kim", "--criteria", "thanh-hoa-1829"]
    result = runner.invoke(args=[*args, "--year", "2026", "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(BytesIO(out.read_bytes()), read_only=True).worksheets[0]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "Hoàng Kim, ngày ..... tháng ..... năm 2027" in cells


def test_the_default_year_is_vietnams(client, auth, world):
    auth.login("canbo")
    assert 'value="2027"' in client.get("/xuat/").text
    dashboard = client.get(f"/bao-cao/xa/{world.commune.token}")
    assert dashboard.status_code == 200 and 'value="2027"' in dashboard.text
