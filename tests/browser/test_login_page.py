"""The login page works in a real phone-sized browser and passes axe."""

from tests import builders
from tests.browser.conftest import login, run_axe, screenshot


def test_volunteer_signs_in_on_a_phone(page, base_url, live_app):
    builders.World.create()
    page.goto(base_url + "/dang-nhap")
    assert run_axe(page) == []
    screenshot(page, "login")
    login(page, base_url, "tnv1", builders.PASSWORD)
    assert page.url.endswith("/thon/")
    assert "Thôn 1" in page.content()
