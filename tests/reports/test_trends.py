"""Trends: each indicator over time as a server-drawn SVG, by month and by survey round."""

from datetime import date, datetime

import pytest

from aggregation.trends import month_points, round_points, series
from survey_app import timeutil
from survey_app.extensions import db
from survey_app.households.services import save_household
from survey_app.reports.charts import line_chart
from tests import builders
from tests.support.database import data_true_since

SET = "thanh-hoa-1829"


def test_month_points_end_each_month_then_today():
    points = month_points(date(2026, 9, 15), date(2026, 12, 4))
    assert points == [
        ("T9/2026", date(2026, 9, 30)),
        ("T10/2026", date(2026, 10, 31)),
        ("T11/2026", date(2026, 11, 30)),
        ("04/12", date(2026, 12, 4)),
    ]
    assert month_points(date(2026, 12, 1), date(2026, 12, 4)) == [("04/12", date(2026, 12, 4))]


def test_round_points_end_where_a_round_ends_or_today():
    class R:
        def __init__(self, name, starts_on, ends_on):
            self.name, self.starts_on, self.ends_on = name, starts_on, ends_on

    rounds = [
        R("Đợt 2025", date(2025, 3, 1), date(2025, 6, 30)),
        R("Đợt 2026", date(2026, 11, 1), date(2027, 1, 31)),
    ]
    assert round_points(rounds, date(2026, 12, 4)) == [
        ("Đợt 2025", date(2025, 6, 30)),
        ("Đợt 2026", date(2026, 12, 4)),
    ]


@pytest.fixture
def growing(world, monkeypatch):
    """Thôn 1: four adults; one smartphone in October, three by December (changes in November)."""

    def at(day):
        moment = datetime(day.year, day.month, day.day, 3)
        monkeypatch.setattr(timeutil, "utcnow", lambda: moment)

    at(date(2026, 10, 5))
    household = builders.make_household(world.thon1, "TR-1", "Hộ Xu Hướng")
    for i, smart in enumerate([True, False, False, False]):
        builders.make_person(household, f"Người {i}", date(1980 + i, 1, 1), dt_thong_minh=smart)
    db.session.commit()
    data_true_since(date(2026, 1, 1))  # the world's own rows: there before
    at(date(2026, 11, 10))
    members = [{"token": p.token, "dt_thong_minh": True} for p in household.members[:3]]
    members += [{"token": p.token} for p in household.members[3:]]
    save_household(world.vol1, household, {"consent": True, "members": members}, household.version)
    db.session.commit()
    at(date(2026, 12, 4))
    return world


def test_the_series_follows_the_history_and_the_chart_says_it(growing):
    points = month_points(date(2026, 10, 1), date(2026, 12, 4))
    lines = {
        line.code: line
        for line in series(db.session, growing.commune, SET, points, growing.thon1.id)
    }
    smart = lines["3.4"]
    assert [p.label for p in smart.points] == ["T10/2026", "T11/2026", "04/12"]
    # Thôn 1 also holds the world's Lê Văn Bình (no answer): 1/5 in October, 3/5 after.
    assert [p.display for p in smart.points] == ["1/5 = 20%", "3/5 = 60%", "3/5 = 60%"]
    svg = str(line_chart(smart))
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title" in svg
    assert svg.count("<circle") == 3 and 'class="target"' in svg and "<polyline" in svg
    assert "T10/2026: 20%" in svg and "04/12: 60%" in svg  # the values, for screen readers
    assert "<script" not in svg


def test_the_pages_show_a_chart_per_indicator(client, auth, growing):
    auth.login("truongthon1")
    page = client.get(f"/bao-cao/thon/{growing.thon1.token}/xu-huong?bo={SET}").get_data(
        as_text=True
    )
    assert page.count('<svg class="trend"') == 10  # every data indicator of the set
    assert "Xem theo" in page and "3/5 = 60%" in page
    auth.logout()
    auth.login("canbo")
    response = client.get(f"/bao-cao/xa/{growing.commune.token}/xu-huong?theo=dot")
    assert response.status_code == 200 and "Chưa có đợt khảo sát nào" in response.get_data(
        as_text=True
    )
