"""The data policy page and the audit log on a 360×740 phone: readable, usable, axe-clean."""

from datetime import datetime

from survey_app import audit
from survey_app.extensions import db
from tests import builders
from tests.browser.conftest import login, run_axe, screenshot


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_policy_page_from_the_sign_in_page(page, base_url, live_app):
    builders.World.create()
    page.goto(base_url + "/dang-nhap")
    page.click("text=Chính sách dữ liệu")
    page.wait_for_load_state()
    assert page.url.endswith("/chinh-sach-du-lieu")
    assert page.is_visible("h2:has-text('Giữ bao lâu')")
    assert _fits_the_screen(page)
    assert run_axe(page) == []
    screenshot(page, "privacy-policy")


def test_officer_filters_the_audit_log_on_a_phone(page, base_url, live_app):
    world = builders.World.create()
    for n in range(55):
        row = audit.record(world.officer, "rename", "village", world.thon1.token, name=f"T{n}")
        row.at = datetime(2026, 3, 1, 1, n)
    audit.record(world.vol1, "visit", "household", world.hh1.token).at = datetime(2026, 3, 2)
    db.session.commit()
    login(page, base_url, "canbo", builders.PASSWORD)
    page.goto(base_url + "/quan-ly/nhat-ky/")
    assert "Nhật ký thao tác" in page.inner_text("h1")
    assert page.locator(".audit-rows > li").count() == 50
    assert _fits_the_screen(page)
    assert run_axe(page) == []
    screenshot(page, "audit-log")
    page.select_option("#hanh_dong", "visit")
    page.click("button:has-text('Lọc')")
    page.wait_for_load_state()
    assert page.locator(".audit-rows > li").count() == 1
    assert "Ghi kết quả đến hộ" in page.inner_text(".audit-rows")
    assert run_axe(page) == []
