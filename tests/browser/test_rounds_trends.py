"""At phone size: a volunteer confirms a carried-forward member with one tap; the trend charts
fit the screen and print."""

import time
from datetime import timedelta

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.households.models import Person
from survey_app.rounds import services as rounds
from survey_app.timeutil import vn_today
from tests import builders
from tests.browser.conftest import login, run_axe, screenshot
from tests.reports.data import populate


def test_one_tap_confirms_a_member_in_a_round(page, base_url, live_app):
    world = builders.World.create()
    world.hh1.consent_given = True  # agreed at an earlier visit
    found = rounds.open_round(
        world.officer,
        world.commune,
        "Đợt khảo sát năm 2026",
        vn_today(),
        vn_today() + timedelta(30),
    )
    db.session.commit()
    login(page, base_url, "tnv1", builders.PASSWORD)
    page.goto(f"{base_url}/ho/{world.hh1.token}")
    box = page.locator("#xac-nhan")
    assert box.is_visible() and "chưa xác nhận lại" in box.inner_text()
    screenshot(page, "round-confirm")
    page.get_by_text("Lê Văn Bình: Không đổi").click()  # the one tap
    page.get_by_role("button", name="Lưu").first.click()
    deadline = time.monotonic() + 10  # the page saves through the phone's queue: wait for it
    while True:
        db.session.rollback()
        person = db.session.scalars(select(Person).where(Person.household_id == world.hh1.id)).one()
        if person.confirmed_at is not None or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert person.confirmed_at is not None and person.confirmed_at >= found.since
    page.goto(f"{base_url}/ho/{world.hh1.token}")
    assert (
        page.locator("#xac-nhan").count() == 0
        or "Lê Văn Bình" not in page.locator("#xac-nhan").inner_text()
    )


def test_trend_charts_fit_a_phone_and_print(page, base_url, live_app):
    world = builders.World.create()
    populate(world, surveyed_by=world.vol1)
    login(page, base_url, "truongthon1", builders.PASSWORD)
    page.goto(f"{base_url}/bao-cao/thon/{world.thon1.token}/xu-huong")
    charts = page.locator("svg.trend")
    assert charts.count() == 10
    width = page.viewport_size["width"]
    box = charts.first.bounding_box()
    assert box["width"] > 200 and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    assert run_axe(page) == []
    screenshot(page, "trends")
    page.emulate_media(media="print")
    assert charts.first.is_visible() and page.locator(".trend-values").first.is_visible()
    assert not page.locator("p.no-print").first.is_visible()


def test_household_history_reads_well_on_a_phone(page, base_url, live_app):
    world = builders.World.create()
    from survey_app.households.services import save_household

    person = world.hh1.members[0]
    members = [{"token": person.token, "dt_thong_minh": True, "vneid": "muc_2"}]
    save_household(world.vol1, world.hh1, {"consent": True, "members": members}, 1)
    db.session.commit()
    login(page, base_url, "canbo", builders.PASSWORD)
    page.goto(f"{base_url}/ho/{world.hh1.token}")
    page.get_by_role("link", name="Lịch sử thay đổi").click()
    page.wait_for_load_state()
    text = " ".join(page.inner_text("main").split())
    assert "Điện thoại thông minh: Chưa hỏi → Có" in text and "VNeID: Chưa hỏi → Mức 2" in text
    assert page.get_by_role("button", name="Khôi phục “Chưa hỏi” cho VNeID").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert run_axe(page) == []
    screenshot(page, "household-history")
