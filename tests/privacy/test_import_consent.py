"""An import records who vouched that the commune collected the data with consent."""

import io

from sqlalchemy import func, select

from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.households.models import Household
from survey_app.imports.cli import DEFAULT_VOUCHER
from tests.imports.support import csv_bytes, import_on_page, write

URL = "/quan-ly/nhap-du-lieu/"


def _post(client, **fields):
    data = {"file": (io.BytesIO(csv_bytes()), "ho.csv"), **fields}
    return client.post(URL, data=data, content_type="multipart/form-data")


def _imported() -> list[Household]:
    db.session.rollback()
    stmt = select(Household).where(Household.ma_ho.like("HK-1%")).order_by(Household.ma_ho)
    return list(db.session.scalars(stmt))


def test_page_refuses_an_import_nobody_vouched_for(client, auth, world):
    auth.login("canbo")
    assert 'name="consent"' in client.get(URL).get_data(as_text=True)
    response = _post(client)
    assert response.status_code == 422
    assert "Cần xác nhận xã đã thu thập dữ liệu với sự đồng ý của các hộ." in response.get_data(
        as_text=True
    )
    assert _imported() == []


def test_page_records_the_officer_who_vouched(client, auth, world):
    world.officer.full_name = "Đỗ Văn Cán"
    db.session.commit()
    auth.login("canbo")
    assert import_on_page(client, csv_bytes()).status_code == 200
    households = _imported()
    assert len(households) == 3
    assert {h.register_consent_by for h in households} == {"Đỗ Văn Cán (canbo)"}
    assert all(h.register_consent_at and h.has_consent for h in households)
    assert not any(h.consent_given for h in households)  # the visit's consent is the volunteer's
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "import")).one()
    assert entry.details["consent_by"] == "Đỗ Văn Cán (canbo)"


def _cli(runner, path, *extra):
    db.session.commit()
    args = ["import-households", str(path), "--province", "Thanh Hóa", "--commune", "Hoàng Kim"]
    result = runner.invoke(args=[*args, *extra])
    db.session.rollback()
    return result


def test_cli_keeps_its_interface_and_records_the_documented_default(runner, tmp_path, world):
    result = _cli(runner, write(tmp_path, "ho.csv", csv_bytes()))
    assert result.exit_code == 0, result.output
    assert f"Xác nhận đồng ý của các hộ: {DEFAULT_VOUCHER}." in result.output
    assert {h.register_consent_by for h in _imported()} == {DEFAULT_VOUCHER}


def test_cli_names_who_vouched_and_a_reimport_keeps_the_first_word(runner, tmp_path, world):
    path = write(tmp_path, "ho.csv", csv_bytes())
    assert _cli(runner, path, "--consent-by", "Chủ tịch UBND xã").exit_code == 0
    first = {h.ma_ho: h.register_consent_at for h in _imported()}
    assert _cli(runner, path, "--consent-by", "Người khác").exit_code == 0
    again = _imported()
    assert {h.register_consent_by for h in again} == {"Chủ tịch UBND xã"}
    assert {h.ma_ho: h.register_consent_at for h in again} == first


def test_cli_refuses_a_blank_voucher_and_imports_nothing(runner, tmp_path, world):
    result = _cli(runner, write(tmp_path, "ho.csv", csv_bytes()), "--consent-by", "  ")
    assert result.exit_code == 1 and "--consent-by" in result.output
    assert db.session.scalar(select(func.count(Household.id))) == 3  # the World's own
