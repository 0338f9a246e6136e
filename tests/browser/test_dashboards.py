"""Acceptance of issue 3 at phone size: dashboards show the engine's numbers, "Cần hỗ trợ" leads
to the household in one tap, other villages stay hidden, and the pages pass axe."""

from aggregation import compute, evidence_statement
from survey_app.extensions import db
from tests import builders
from tests.browser.conftest import login, run_axe, screenshot
from tests.reports.data import populate


def _village_json(world, year):
    """{code: Thôn 1's row of the `indicators` JSON} for the data indicators."""
    report = compute(db.session, world.commune, "thanh-hoa-1829", year).to_json()
    rows = {}
    for item in report["indicators"]:
        if item["kind"] == "household_data":
            rows[item["code"]] = next(v for v in item["villages"] if v["village"] == "Thôn 1")
    return rows


def _check_cards(page, rows):
    for code, row in rows.items():
        card = page.locator("section.ind", has=page.locator(".code", has_text=code)).filter(
            has_text=f"{code} "
        )
        text = " ".join(card.first.inner_text().split())
        assert row["display"] in text, (code, text)
        if row["passed"] is not None:
            assert ("Không đạt" in text) == (not row["passed"]), (code, text)


def test_village_head_dashboard_support_list_and_household(page, base_url, live_app, browser):
    world = builders.World.create()
    populate(world, surveyed_by=world.vol1)
    login(page, base_url, "truongthon1", builders.PASSWORD)
    page.goto(base_url + "/bao-cao/")
    assert f"/bao-cao/thon/{world.thon1.token}" in page.url
    year = int(page.locator("#nam").input_value())
    rows = _village_json(world, year)
    assert rows["3.9"]["display"] == "3/8 = 37,5%"  # the fixture's own figure, seen on the page
    _check_cards(page, rows)
    assert "Đã khảo sát 2/4 hộ" in " ".join(page.inner_text("main").split())
    assert run_axe(page) == []
    screenshot(page, "village-dashboard")

    card = page.locator("section.ind").filter(has=page.locator(".code", has_text="3.9"))
    card.first.get_by_role("link", name="Cần hỗ trợ").click()
    page.wait_for_load_state()
    support_url = page.url
    stmt = evidence_statement(
        db.session, world.commune, "thanh-hoa-1829", "3.9", year,
        village_id=world.thon1.id, which="complement",
    )  # fmt: skip
    expected = db.session.scalars(stmt).all()
    names = page.locator("table.support tbody tr:not(.hh-row) td:nth-child(2) a").all_inner_texts()
    assert names == [p.ho_ten for p in expected]
    assert run_axe(page) == []
    screenshot(page, "support-3.9")

    first = expected[0]
    page.get_by_role("link", name=first.ho_ten, exact=True).click()  # one tap
    page.wait_for_load_state()
    assert f"/ho/{first.household.token}?ve=" in page.url
    assert first.ho_ten in page.content()

    other = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        page2 = other.new_page()
        login(page2, base_url, "tnv2", builders.PASSWORD)
        assert page2.goto(support_url).status == 404
        assert page2.goto(f"{base_url}/bao-cao/thon/{world.thon1.token}").status == 404
    finally:
        other.close()


def test_commune_pages_for_an_officer(page, base_url, live_app):
    world = builders.World.create()
    populate(world, surveyed_by=world.vol1)
    login(page, base_url, "canbo", builders.PASSWORD)
    page.goto(base_url + "/bao-cao/")
    year = int(page.locator("#nam").input_value())
    report = compute(db.session, world.commune, "thanh-hoa-1829", year)
    text = " ".join(page.inner_text("main").split())
    for item in report.indicators:
        assert item.display in text
    assert "tnv1" in page.inner_text("table.progress-table")
    assert run_axe(page) == []
    screenshot(page, "commune-dashboard")

    page.goto(f"{base_url}/bao-cao/xa/{world.commune.token}/cai-dat")
    page.check("input[name=adult_age][value='18']")
    page.get_by_role("button", name="Lưu cách tính").click()
    page.wait_for_load_state()
    assert "Đã lưu cài đặt" in page.content()
    assert "Tuổi dân số trưởng thành: từ 15 thành 18" in " ".join(page.inner_text("main").split())
    assert run_axe(page) == []
    screenshot(page, "settings")

    page.goto(f"{base_url}/bao-cao/xa/{world.commune.token}/chi-tieu-thu-cong/thanh-hoa-1829")
    page.fill("#ct0-result_text", "5/5 trường")
    page.fill("#ct0-numerator", "5")
    page.fill("#ct0-denominator", "5")
    page.locator("label.check", has_text="Đạt").first.click()
    page.get_by_role("button", name="Lưu chỉ tiêu 3.7").click()
    page.wait_for_load_state()
    assert "Đã lưu kết quả chỉ tiêu 3.7" in page.content()
    assert run_axe(page) == []
    screenshot(page, "manual")
