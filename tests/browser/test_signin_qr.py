"""Sign-in QR in a real browser at 360×740: the officer's devices page makes the QR, the QR as
drawn on screen decodes (zxing-cpp), and the volunteer's phone signs in through its landing page."""

import io

import zxingcpp
from PIL import Image

from tests import builders
from tests.browser.conftest import PHONE, login, run_axe, screenshot, wait_until

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_officer_makes_a_qr_and_the_volunteer_signs_in_with_it(page, browser, base_url, live_app):
    builders.World.create()
    login(page, base_url, "canbo", builders.PASSWORD)
    page.goto(base_url + "/thiet-bi")
    assert page.evaluate(NO_SIDEWAYS_SCROLL) and run_axe(page) == []
    page.locator("#u-tnv1").get_by_role("button", name="Tạo mã QR đăng nhập").click()
    page.wait_for_load_state()
    qr = page.get_by_role("img", name="Mã QR đăng nhập cho tnv1")
    qr.wait_for()
    wait_until(page, "document.querySelector('.signin-qr img').naturalWidth > 0")
    assert page.evaluate(NO_SIDEWAYS_SCROLL) and run_axe(page) == []
    screenshot(page, "signin-qr-code")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert len(found) == 1 and "/dang-nhap/qr/" in found[0].text
    path = found[0].text.split("localhost:8000", 1)[-1].split(base_url, 1)[-1]

    phone = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    try:
        landing = phone.new_page()
        landing.goto(base_url + path)
        assert "Điện thoại này sẽ đăng nhập với tên" in landing.content()
        assert landing.evaluate(NO_SIDEWAYS_SCROLL) and run_axe(landing) == []
        screenshot(landing, "signin-qr-landing")
        landing.get_by_role("button", name="Đăng nhập").click()
        landing.wait_for_load_state()
        assert landing.url.endswith("/thon/") and "Thôn 1" in landing.content()
    finally:
        phone.close()
    page.goto(base_url + "/thiet-bi")
    assert page.locator("#u-tnv1 .device").count() == 1
