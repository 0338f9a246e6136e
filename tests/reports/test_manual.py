"""Manual indicators: officers enter result, evaluation and evidence; the commune table shows it."""

import pytest
from sqlalchemy import select

from aggregation import compute
from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.reports.models import ManualIndicatorResult
from tests.reports.data import YEAR, table_rows, text_of

SET = "thanh-hoa-1829"


def manual_url(world, year=YEAR):
    return f"/bao-cao/xa/{world.commune.token}/chi-tieu-thu-cong/{SET}?nam={year}"


def entry(prefix="ct0", **fields):
    data = {"chi_tieu": "3.7", f"{prefix}-result_text": "5/5 trường", f"{prefix}-numerator": "5",
            f"{prefix}-denominator": "5", f"{prefix}-evaluation": "dat",
            f"{prefix}-evidence_note": "Báo cáo số 12/BC-PGD"}  # fmt: skip
    return {**data, **{f"{prefix}-{k}": v for k, v in fields.items()}}


def test_manual_result_is_saved_audited_and_shown(client, auth, world):
    auth.login("canbo")
    page = text_of(client.get(manual_url(world)))
    assert "3.7" in page and "3.8" in page and "3.4 " not in page
    response = client.post(manual_url(world), data=entry())
    assert response.status_code == 302 and response.location.endswith(f"nam={YEAR}#ct-0")
    stored = db.session.scalar(select(ManualIndicatorResult))
    assert (stored.indicator_code, stored.year, stored.evaluation) == ("3.7", YEAR, "dat")
    assert (stored.numerator, stored.denominator) == (5, 5)
    audit = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "manual_indicator"))
    assert audit.user_id == world.officer.id and audit.details["indicator"] == "3.7"
    report = compute(db.session, world.commune, SET, YEAR).to_json()
    item = next(i for i in report["indicators"] if i["code"] == "3.7")
    assert item["display"] == "5/5 = 100%" and item["passed"] is True
    dashboard = client.get(f"/bao-cao/xa/{world.commune.token}?nam={YEAR}")
    row = next(r for r in table_rows(dashboard, "summary-table") if r[0] == "3.7")
    assert "5/5 = 100%" in row[3] and row[4] == "✓ Đạt" and row[5] == "Báo cáo số 12/BC-PGD"
    again = text_of(client.get(manual_url(world)))
    assert "Hiện tại: 5/5 = 100% ✓ Đạt" in again and "bởi canbo" in again
    assert "Chưa nhập" in text_of(client.get(manual_url(world, YEAR - 1)))


@pytest.mark.parametrize("db_engine", ["sqlite"])  # form handling, not the database
def test_text_only_result_bad_numbers_and_codes(client, auth, world):
    auth.login("canbo")
    data = entry("ct1", numerator="", denominator="", evaluation="khong_dat",
                 result_text="Chưa triển khai")  # fmt: skip
    data["chi_tieu"] = "3.8"
    assert client.post(manual_url(world), data=data).status_code == 302
    dashboard = client.get(f"/bao-cao/xa/{world.commune.token}?nam={YEAR}")
    row = next(r for r in table_rows(dashboard, "summary-table") if r[0] == "3.8")
    assert "Chưa triển khai" in row[3] and row[4] == "✗ Không đạt"
    response = client.post(manual_url(world), data=entry(numerator="7", denominator="5"))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Tử số không được lớn hơn mẫu số." in body
    assert 'value="7"' in body and "5/5 trường" in body  # what was typed stays
    response = client.post(manual_url(world), data=entry(numerator="abc", denominator=""))
    assert "Nhập số nguyên không âm" in response.get_data(as_text=True)
    assert db.session.scalar(select(ManualIndicatorResult).where(
        ManualIndicatorResult.indicator_code == "3.7")) is None  # fmt: skip
    assert client.post(manual_url(world), data={**entry(), "chi_tieu": "3.4"}).status_code == 400
    assert client.post(manual_url(world), data={**entry(), "chi_tieu": ""}).status_code == 400
