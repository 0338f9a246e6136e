"""The volunteer's visit in a real phone browser (360×740): one tap for the whole household, only
the questions that apply, progress, "surveyed" only when complete, visit outcomes online and
offline, the walk to the next household."""

from datetime import date, timedelta

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.households import status as visit_status
from survey_app.households.models import Household
from survey_app.timeutil import vn_today
from tests import builders
from tests.browser.conftest import run_axe, screenshot
from tests.browser.test_offline import open_phone, pending, sign_in_and_prepare  # noqa: F401

TODAY = vn_today()


def reference_world():
    """Thôn 1 with a 4-member household as imported: two adults, a person of 70, a child of 8."""
    world = builders.World.create()
    household = builders.make_household(world.thon1, "HK-050", "Lê Văn Bình", dia_chi="Xóm 1")
    year = TODAY.year
    people = [
        ("Lê Văn Bình", date(year - 40, 3, 1), "nam"),
        ("Trần Thị Hoa", date(year - 38, 5, 2), "nu"),
        ("Lê Văn Cả", date(year - 70, 1, 9), "nam"),
        ("Lê Bé Na", date(year - 8, 6, 1), "nu"),
    ]
    for position, (name, born, sex) in enumerate(people):
        builders.make_person(household, name, born, gioi_tinh=sex, position=position)
    db.session.commit()
    return world, household


def rows_shown(page, item: str) -> list[str]:
    selector = f'.item[data-item="{item}"] .irow:not([hidden]) .iname'
    return page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)")


def test_whole_household_answers_then_one_person_differs(open_phone, base_url, live_app):  # noqa: F811
    world, household = reference_world()
    context, page = open_phone()
    sign_in_and_prepare(page, base_url)
    page.goto(f"{base_url}/thon/{world.thon1.token}/")
    assert "Lê Văn Bình (HK-001)" in page.inner_text("a.next-hh")  # the list's first to visit
    page.click(f"#h-{household.token} a")
    page.wait_for_url(f"**/ho/{household.token}")

    # A child of 8 is asked none of the adult questions; everyone gets the health record.
    assert rows_shown(page, "dt_thong_minh") == ["Lê Văn Bình", "Trần Thị Hoa", "Lê Văn Cả"]
    assert rows_shown(page, "ho_so_suc_khoe") == [
        "Lê Văn Bình",
        "Trần Thị Hoa",
        "Lê Văn Cả",
        "Lê Bé Na",
    ]
    assert rows_shown(page, "ky_nang_so") == ["Lê Văn Bình", "Trần Thị Hoa"]  # 70: retired

    page.check("#consent")
    for key in ("cap_quang", "dien_khong_tien_mat", "dia_chi_so", "ho_kinh_doanh"):
        page.check(f'input[name="{key}"][value="0"]')
    answers = {
        "dt_thong_minh": "1",
        "ptt_an_toan": "1",
        "tk_thanh_toan": "1",
        "chu_ky_so": "0",
        "ky_nang_so": "1",
        "dvc_truc_tuyen": "0",
        "ho_so_suc_khoe": "1",
        "kham_tu_xa": "0",
        "vneid": "muc_2",
    }
    for item, value in answers.items():
        page.click(f'.item[data-item="{item}"] button[data-all="{value}"]')
        if item == "dt_thong_minh":
            # The 70-year-old has no smartphone: one tap on his row, and his security-software
            # question goes away.
            page.click('.item[data-item="dt_thong_minh"] .irow[data-m="2"] input[value="0"]')
            assert rows_shown(page, "ptt_an_toan") == ["Lê Văn Bình", "Trần Thị Hoa"]
    assert page.inner_text("#progress") == "Đã trả lời đủ 30 câu"
    screenshot(page, "visit-answered")
    assert run_axe(page) == []
    page.click(".savebar button[type=submit]")
    page.wait_for_url("**/thon/**")
    assert "Đã khảo sát, đã trả lời 30/30 câu" in page.inner_text(".flash")

    db.session.expire_all()
    saved = db.session.get(Household, household.id)
    assert visit_status.household_status(saved) == visit_status.COMPLETE
    assert saved.surveyed_by == world.vol1
    adult, _, old, child = saved.members
    assert (adult.dt_thong_minh, adult.vneid, adult.ky_nang_so) == (True, "muc_2", True)
    assert (old.dt_thong_minh, old.ptt_an_toan, old.ky_nang_so) == (False, None, None)
    assert set(old.khong_ap_dung.split()) == {"ptt_an_toan", "ky_nang_so"}
    assert (child.dt_thong_minh, child.ho_so_suc_khoe) == (None, True)
    row = page.locator(f"#h-{household.token}")
    assert "Đã khảo sát" in row.inner_text()


def test_visit_outcomes_online_and_offline(open_phone, base_url, live_app):  # noqa: F811
    world, household = reference_world()
    context, page = open_phone()
    sign_in_and_prepare(page, base_url)

    # Online: "Hẹn lại" with a day; the list shows it and the next household skips it.
    page.goto(f"{base_url}/ho/{household.token}")
    page.click("#visit-box > summary")
    page.check('input[name="visit_outcome"][value="hen_lai"]')
    day = TODAY + timedelta(days=3)
    page.fill("#revisit_on", day.isoformat())
    screenshot(page, "visit-outcome")
    page.click("#visit button[type=submit]")
    page.wait_for_url("**/thon/**")
    row = page.locator(f"#h-{household.token}")
    assert "Hẹn lại" in row.inner_text() and day.strftime("%d/%m") in row.inner_text()
    db.session.expire_all()
    saved = db.session.get(Household, household.id)
    assert (saved.visit_outcome, saved.revisit_on, saved.consent_given) == ("hen_lai", day, False)

    # Offline: "Không có nhà" on another household goes to the queue, then to the server once.
    other = world.hh1
    page.goto(f"{base_url}/ho/{other.token}")  # cached while online
    context.set_offline(True)
    page.reload()
    page.click("#visit-box > summary")
    page.check('input[name="visit_outcome"][value="khong_co_nha"]')
    page.click("#visit button[type=submit]")
    page.wait_for_url("**/thon/**")
    pending(page, 1)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    pending(page, 0)
    db.session.expire_all()
    assert db.session.scalar(select(Household.visit_outcome).where(Household.id == other.id)) == (
        "khong_co_nha"
    )
