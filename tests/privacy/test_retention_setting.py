"""Each commune sets how long household data is kept; the sync changes' retention is a setting."""

import pytest
from sqlalchemy import select

from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.reports.services import get_settings
from tests.reports.test_settings import SETTINGS


def test_officer_sets_the_retention_and_it_is_audited(client, auth, world):
    auth.login("canbo")
    url = f"/bao-cao/xa/{world.commune.token}/cai-dat"
    assert 'name="retention_years"' in client.get(url).get_data(as_text=True)
    assert get_settings(world.commune).retention_years == 5
    assert client.post(url, data={**SETTINGS, "retention_years": "8"}).status_code == 302
    assert get_settings(world.commune).retention_years == 8
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == "commune_settings")
    ).one()
    assert entry.details["changes"]["retention_years"] == {"old": 5, "new": 8}
    assert "xã của bạn: 8 năm" in client.get("/chinh-sach-du-lieu").get_data(as_text=True)


def test_a_retention_out_of_range_is_refused_in_vietnamese(client, auth, world):
    auth.login("canbo")
    url = f"/bao-cao/xa/{world.commune.token}/cai-dat"
    response = client.post(url, data={**SETTINGS, "retention_years": "0"})
    assert "Thời hạn phải từ 1 đến 50 năm." in response.get_data(as_text=True)
    assert get_settings(world.commune).retention_years == 5


def _prune_output(app, *args) -> str:
    return app.test_cli_runner().invoke(args=["sync", "prune", *args]).output


def test_sync_prune_takes_its_days_from_the_setting(app, monkeypatch):
    assert "cũ hơn 180 ngày" in _prune_output(app)
    app.config["SYNC_RETENTION_DAYS"] = 30
    assert "cũ hơn 30 ngày" in _prune_output(app)
    assert "cũ hơn 60 ngày" in _prune_output(app, "--days", "60")


def test_sync_retention_from_the_environment_is_checked(monkeypatch):
    from survey_app import config

    monkeypatch.setenv("SYNC_RETENTION_DAYS", "45")
    assert config.sync_retention_days() == 45
    monkeypatch.setenv("SYNC_RETENTION_DAYS", "3")
    with pytest.raises(ValueError, match="SYNC_RETENTION_DAYS"):
        config.sync_retention_days()
