"""One calendar for the product: Vietnam's date (UTC+7), whatever the server's clock zone."""

from datetime import date, datetime

import pytest

from household_forms import rules
from household_forms.sync import load_change
from survey_app import timeutil


def test_half_past_midnight_in_vietnam_is_already_the_new_day(monkeypatch):
    # 23:30 UTC on 31/12/2026 is 06:30 on 1/1/2027 in Vietnam.
    monkeypatch.setattr(timeutil, "utcnow", lambda: datetime(2026, 12, 31, 23, 30))
    assert timeutil.vn_today() == date(2027, 1, 1)
    # A baby born on New Year's morning is not "in the future" for the API (nor the page, nor
    # the import, which all take the same today).
    change = {
        "change_id": "3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f",
        "kind": "update",
        "household": "a" * 22,
        "base_version": 1,
        "data": {"members": [{"ho_ten": "Bé Tết", "ngay_sinh": "01/01/2027", "gioi_tinh": "nu"}]},
    }
    clean, errors = load_change(change)
    assert errors == {} and clean["data"]["members"][0]["birth_date"] == date(2027, 1, 1)
    assert rules.survey_as_of(timeutil.vn_today()) == date(2027, 12, 31)


def test_before_seven_utc_the_vietnam_date_is_a_day_ahead(monkeypatch):
    monkeypatch.setattr(timeutil, "utcnow", lambda: datetime(2026, 12, 1, 17, 30))
    assert timeutil.vn_today() == date(2026, 12, 2)
    monkeypatch.setattr(timeutil, "utcnow", lambda: datetime(2026, 12, 1, 16, 59))
    assert timeutil.vn_today() == date(2026, 12, 1)


def test_the_zone_is_configurable_and_checked(monkeypatch):
    monkeypatch.setattr(timeutil, "utcnow", lambda: datetime(2026, 12, 1, 15, 30))
    assert timeutil.vn_today() == date(2026, 12, 1)  # 22:30 in Hà Nội
    assert timeutil.start_of_day_utc(date(2026, 12, 2)) == datetime(2026, 12, 1, 17, 0)
    monkeypatch.setenv("SURVEY_TIMEZONE", "Asia/Tokyo")  # UTC+9: already the 2nd
    assert timeutil.vn_today() == date(2026, 12, 2)
    assert timeutil.to_vn(datetime(2026, 12, 1, 15, 30)) == datetime(2026, 12, 2, 0, 30)
    monkeypatch.setenv("SURVEY_TIMEZONE", "Asia/Hà_Nội")
    with pytest.raises(ValueError, match="Asia/Hà_Nội"):
        timeutil.check_zone()
