"""Help and training pages at phone size: record help, see the village figures, make a class,
tick attendees after a search without accents; axe finds nothing serious; screenshots saved."""

from datetime import date

from sqlalchemy import select

from survey_app.assistance.models import HelpRecord
from survey_app.extensions import db
from survey_app.households.models import Person
from tests import builders
from tests.browser.conftest import login, run_axe, screenshot


def _tap_targets_ok(page, selector):
    for box in page.locator(selector).evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)"
    ):
        assert box >= 48, (selector, box)


def test_help_then_village_figures(page, base_url, live_app):
    world = builders.World.create()
    person = world.hh1.members[0]
    login(page, base_url, "tnv1", builders.PASSWORD)
    page.goto(f"{base_url}/ho/{world.hh1.token}/ho-tro/{person.token}")
    assert run_axe(page) == []
    _tap_targets_ok(page, "label.check, button[type=submit]")
    font = page.locator("label.check").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert font >= 16
    screenshot(page, "assistance-help-form")
    page.get_by_label("Cài đặt, kích hoạt VNeID").check()
    page.get_by_label("Mở tài khoản thanh toán").check()
    page.fill("#note", "Đã kích hoạt mức 2")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/ho/{world.hh1.token}")
    assert "Nhớ sửa câu trả lời" in page.inner_text("main")
    kinds = sorted(db.session.scalars(select(HelpRecord.kind)))
    assert kinds == ["cai_vneid", "mo_tai_khoan"]

    page.goto(f"{base_url}/ho/{world.hh1.token}/ho-tro/{person.token}")
    assert "Đã kích hoạt mức 2" in page.inner_text("main")
    screenshot(page, "assistance-help-history")

    page.goto(f"{base_url}/thon/{world.thon1.token}/ho-tro")
    text = " ".join(page.inner_text("main").split())
    assert "Đã hỗ trợ 2 lượt cho 1 người" in text
    assert run_axe(page) == []
    screenshot(page, "assistance-village-help")


def test_class_and_attendee_picker(page, base_url, live_app):
    world = builders.World.create()
    names = ["Nguyễn Thị Hường", "Đặng Văn Ổn", "Trần Văn Bảy", "Phạm Thị Tám"]
    for i, name in enumerate(names):
        builders.make_person(world.hh1, name, date(1970 + i, 1, 1))
    db.session.commit()
    login(page, base_url, "truongthon1", builders.PASSWORD)
    page.goto(f"{base_url}/thon/{world.thon1.token}/lop-tap-huan")
    assert run_axe(page) == []
    screenshot(page, "assistance-classes-empty")
    page.get_by_role("link", name="+ Thêm lớp").click()
    page.fill("#held_on", "2026-03-05")
    page.fill("#place", "Nhà văn hóa thôn")
    page.fill("#topic", "Cài và dùng VNeID")
    page.get_by_role("button", name="Lưu lớp").click()
    page.wait_for_load_state()
    assert "ví dụ 05/03/2026" in page.inner_text("main")
    assert run_axe(page) == []
    screenshot(page, "assistance-class-date-error")
    page.fill("#held_on", "05/03/2026")
    page.get_by_role("button", name="Lưu lớp").click()
    page.wait_for_load_state()
    assert "/chon-nguoi" in page.url

    page.fill("#q", "dang on")  # filters as you type, ticks stay
    assert page.locator("li[data-find]:visible").count() == 1
    page.get_by_label("Đặng Văn Ổn").check()
    page.fill("#q", "huong")
    page.get_by_label("Nguyễn Thị Hường").check()
    page.fill("#q", "")
    assert page.locator("li[data-find]:visible").count() == 5
    assert page.inner_text("#n-chosen") == "2"
    assert run_axe(page) == []
    _tap_targets_ok(page, ".people label.check, #save")
    screenshot(page, "assistance-pick")
    page.locator("#save").click()
    page.wait_for_load_state()
    assert "Đã thêm 2 người vào lớp" in page.inner_text("main")
    assert run_axe(page) == []
    screenshot(page, "assistance-class")
    trained = db.session.scalars(select(Person.ho_ten).where(Person.ky_nang_so.is_(True))).all()
    assert sorted(trained) == ["Nguyễn Thị Hường", "Đặng Văn Ổn"]
