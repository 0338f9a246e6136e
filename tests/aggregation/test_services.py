"""Commune settings and manual results: validated, flushed, audited with old and new values."""

import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from aggregation import compute
from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.reports import services
from survey_app.reports.models import CommuneSettings
from tests.builders import make_commune, make_user


class Place:
    """Just what these tests need: a commune and its officer (one password hash, not six)."""

    def __init__(self):
        self.commune = make_commune()
        self.officer = make_user("canbo", "commune_officer", self.commune)


@pytest.fixture
def world(app):
    return Place()


def _audit(action_type):
    return db.session.scalars(select(AuditLog).where(AuditLog.object_type == action_type)).all()


def test_settings_defaults_then_update_with_audit(world):
    settings = services.get_settings(world.commune)
    assert settings.id is None and settings.working_age_rule == "legal"
    services.update_settings(
        world.officer, world.commune, {"adult_age": 18, "working_age_rule": "legal"}
    )
    db.session.commit()
    stored = db.session.scalar(select(CommuneSettings))
    assert (stored.adult_age, stored.updated_by_id) == (18, world.officer.id)
    (entry,) = _audit("commune_settings")
    assert entry.user_id == world.officer.id
    assert entry.details == {"changes": {"adult_age": {"old": 15, "new": 18}}}


def test_bad_settings_are_refused(world):
    for change in ({"adult_age": 16}, {"working_age_rule": "x"}, {"criteria_ids": ["khong-co"]},
                   {"decimals": 9}):  # fmt: skip
        with pytest.raises(ValidationError):
            services.update_settings(world.officer, world.commune, change)
    assert _audit("commune_settings") == []


def test_target_override_changes_the_evaluation(world):
    services.set_target(world.officer, world.commune, "thanh-hoa-1829", "3.2", 2023, 65)
    services.set_target(world.officer, world.commune, "thanh-hoa-1829", "3.2", 2023, 65)  # no-op
    db.session.commit()
    report = compute(db.session, world.commune, "thanh-hoa-1829", 2023)
    assert float(report.indicator("3.2").target) == 65.0
    assert (
        float(compute(db.session, world.commune, "thanh-hoa-1829", 2024).indicator("3.2").target)
        == 75.0
    )
    (entry,) = _audit("commune_target")
    assert entry.details == {
        "criteria": "thanh-hoa-1829", "indicator": "3.2", "year": 2023, "old": None, "new": 65.0,
    }  # fmt: skip
    services.set_target(world.officer, world.commune, "thanh-hoa-1829", "3.2", 2023, None)
    assert compute(db.session, world.commune, "thanh-hoa-1829", 2023).indicator("3.2").target == 75
    with pytest.raises(ValidationError):
        services.set_target(world.officer, world.commune, "thanh-hoa-1829", "9.9", 2023, 50)
    with pytest.raises(ValidationError):
        services.set_target(world.officer, world.commune, "thanh-hoa-1829", "3.2", 2023, 101)


def test_manual_result_shows_in_the_table(world):
    data = {
        "numerator": 9,
        "denominator": 13,
        "evaluation": "dat",
        "evidence_note": "QĐ 12/QĐ-UBND",
    }
    services.save_manual_result(world.officer, world.commune, "thanh-hoa-1829", "3.8", 2023, data)
    db.session.commit()
    item = compute(db.session, world.commune, "thanh-hoa-1829", 2023).indicator("3.8")
    assert (item.display, item.passed, item.evaluation) == ("9/13 = 69,23%", True, "Đạt")
    assert item.to_json()["evidence_note"] == "QĐ 12/QĐ-UBND"
    assert item.manual.updated_by == world.officer.display_name
    services.save_manual_result(
        world.officer, world.commune, "thanh-hoa-1829", "3.8", 2023,
        {"result_text": "Chưa có số liệu", "evaluation": "khong_dat"},
    )  # fmt: skip
    item = compute(db.session, world.commune, "thanh-hoa-1829", 2023).indicator("3.8")
    assert (item.display, item.passed, item.numerator) == ("Chưa có số liệu", False, None)
    first, second = _audit("manual_indicator")
    assert second.details["changes"]["numerator"] == {"old": 9, "new": None}


def test_manual_result_refuses_data_indicators_and_bad_numbers(world):
    with pytest.raises(ValidationError):
        services.save_manual_result(world.officer, world.commune, "thanh-hoa-1829", "3.4", 2023, {})
    for bad in ({"numerator": 5}, {"numerator": 5, "denominator": 4}, {"evaluation": "ok"}):
        with pytest.raises(ValidationError):
            services.save_manual_result(
                world.officer, world.commune, "thanh-hoa-1829", "3.8", 2023, bad
            )
