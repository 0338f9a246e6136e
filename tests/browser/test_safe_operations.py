"""The officer's safe data operations on a 360×740 phone: merging duplicate people field by
field and undoing it, removing a household with a reason and restoring it, confirming a
village merge. Readable, usable, axe-clean; screenshots for a person to look at."""

from datetime import date

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.households.models import Household, Person
from tests import builders
from tests.browser.conftest import login, run_axe, screenshot


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_officer_merges_two_records_of_one_person_then_undoes_it(page, base_url, live_app):
    world = builders.World.create()
    first = builders.make_household(world.thon1, "HK-010", "Nguyễn Văn An")
    second = builders.make_household(world.thon2, "HK-011", "Trần Thị Hà")
    a = builders.make_person(first, "Nguyễn Văn An", date(1980, 5, 4), dt_thong_minh=True)
    b = builders.make_person(second, "Nguyen van  An", date(1980, 7, 1), birth_year_only=True,
                             tk_thanh_toan=True)  # fmt: skip
    db.session.commit()
    login(page, base_url, "canbo", builders.PASSWORD)
    page.goto(base_url + "/quan-ly/nguoi-trung/")  # "Người trùng" in the menu
    assert page.locator("[data-pair]").count() == 1
    assert _fits_the_screen(page) and run_axe(page) == []
    screenshot(page, "duplicates-list")
    page.click("[data-pair] a")
    page.wait_for_load_state()
    assert "Có phải cùng một người?" in page.inner_text("h1")
    page.check("input[name='chon-tk_thanh_toan'][value='second']")  # the other record knew it
    assert _fits_the_screen(page) and run_axe(page) == []
    screenshot(page, "duplicates-compare")
    page.click("text=Gộp thành một người")
    page.wait_for_load_state()
    assert "Đã gộp: giữ Nguyễn Văn An (hộ HK-010)" in page.inner_text("main")
    assert page.locator("[data-pair]").count() == 0
    db.session.expire_all()
    assert db.session.get(Person, b.id).removed_at is not None
    assert db.session.get(Person, a.id).tk_thanh_toan is True
    page.click("text=Hoàn tác…")
    page.wait_for_load_state()
    assert "2 nhân khẩu" in page.inner_text("main")
    assert _fits_the_screen(page) and run_axe(page) == []
    screenshot(page, "undo-confirm")
    page.click("text=Xác nhận hoàn tác")
    page.wait_for_load_state()
    assert page.locator("[data-pair]").count() == 1
    db.session.expire_all()
    assert db.session.get(Person, b.id).removed_at is None


def test_officer_removes_a_household_with_a_reason_and_restores_it(page, base_url, live_app):
    world = builders.World.create()
    login(page, base_url, "canbo", builders.PASSWORD)
    page.goto(f"{base_url}/ho/{world.hh1.token}/lich-su")
    page.click("summary:has-text('Xóa hộ hoặc nhân khẩu nhập nhầm')")
    page.click("button:has-text('Xóa cả hộ HK-001')")  # no reason yet: the browser asks for it
    assert page.evaluate("document.querySelector('#reason-household').validity.valueMissing")
    page.fill("#reason-household", "Hộ mẫu nhập nhầm")
    page.click("button:has-text('Xóa cả hộ HK-001')")
    page.wait_for_load_state()
    assert "Hộ đã bị xóa" in page.inner_text("[data-removed]")
    assert _fits_the_screen(page) and run_axe(page) == []
    screenshot(page, "household-removed")
    db.session.expire_all()
    assert db.session.get(Household, world.hh1.id).removed_reason == "Hộ mẫu nhập nhầm"
    page.click("button:has-text('Khôi phục hộ')")
    page.wait_for_load_state()
    assert "Đã khôi phục hộ HK-001" in page.inner_text("main")
    db.session.expire_all()
    assert db.session.get(Household, world.hh1.id).removed_at is None


def test_a_village_merge_shows_what_moves_and_asks_first(page, base_url, live_app):
    world = builders.World.create()
    login(page, base_url, "canbo", builders.PASSWORD)
    page.goto(f"{base_url}/quan-ly/thon/{world.thon2.token}")
    page.select_option("#target", world.thon1.token)
    page.click("button:has-text('Gộp Thôn 2 vào thôn đã chọn')")
    page.wait_for_load_state()
    assert "Gộp Thôn 2 vào Thôn 1?" in page.inner_text("h1")
    assert page.inner_text("[data-count='households']") == "1"
    assert _fits_the_screen(page) and run_axe(page) == []
    screenshot(page, "village-merge-confirm")
    db.session.expire_all()
    assert db.session.scalar(select(Household.village_id).where(Household.id == world.hh2.id)) == (
        world.thon2.id
    )
    page.click("text=Xác nhận gộp")
    page.wait_for_load_state()
    assert "Nếu gộp nhầm, có thể hoàn tác" in page.inner_text("main")
