"""The Content-Security-Policy in a real Chromium at 360×740: every role's main pages load with
no violation (console or ``securitypolicyviolation`` event) and their scripts still work."""

from flask import url_for
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.households.models import Household, Person
from tests import builders
from tests.browser.conftest import login, wait_until
from tests.exports.support import YEAR, populate

# Installed before any page script (through DevTools, so the policy does not apply to it).
LISTEN_JS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push([e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber].join(" "));
});
"""


class Watch:
    """Console lines and violation events of one browser context, read page by page."""

    def __init__(self, context, page):
        self.page, self.console, self.seen = page, [], []
        context.add_init_script(LISTEN_JS)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console.append(f"{page.url}: {error}"))

    def _on_console(self, message):
        # Only the policy's reports: a fetch cut short by the next navigation is not our subject.
        if "Content Security Policy" in message.text:
            where = message.location.get("url", "")
            self.console.append(f"{self.page.url}: {message.text} ({where})")

    def visit(self, url: str, ready: str = "main") -> None:
        response = self.page.goto(url)
        assert response is not None and response.status in (200, 503), (url, response)
        self.page.wait_for_selector(ready, state="attached")
        self.check()

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        events = self.page.evaluate("window.__csp || []")
        self.seen.append(self.page.url)
        assert events == [] and self.console == [], (self.page.url, events, self.console)


def _urls(app, world) -> dict[str, str]:
    with app.test_request_context():
        village, commune = world.thon1.token, world.commune.token
        return {
            "household": url_for("households.household", household_token=world.hh1.token),
            "list": url_for("households.village", village_token=village),
            "village_report": url_for("reports.village_dashboard", village_token=village),
            "commune_report": url_for("reports.commune_dashboard", commune_token=commune),
            "settings": url_for("reports.settings", commune_token=commune),
            "plates": url_for("plates.sheet", village_token=village),
            "admin_village": url_for("admin.village", village_token=village),
        }


def test_volunteer_pages_run_under_the_policy(context, page, base_url, live_app):
    world = builders.World.create()
    urls, watch = _urls(live_app, world), Watch(context, page)
    watch.visit(base_url + "/dang-nhap", "#username")
    login(page, base_url, "tnv1", builders.PASSWORD)
    watch.check()  # "Thôn của tôi", where the sign-in lands
    page.wait_for_selector("#sync-bar[data-ready='1']", state="attached")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    assert page.is_visible("#sync-bar")  # offline.js ran and showed the bar
    watch.visit(base_url + urls["list"], "ul.list.hh")
    watch.visit(base_url + urls["household"], "#hh")
    page.click("#add-member")
    page.fill("#m-1-ho_ten", "Lê Thị Mai")
    page.fill("#m-1-ngay_sinh", "1990")
    page.check('input[name="m-1-gioi_tinh"][value="nu"]')
    before = page.inner_text("#progress")
    page.click("fieldset.item[data-item='dt_thong_minh'] button[data-all='1']")
    assert page.is_checked('input[name="m-1-dt_thong_minh"][value="1"]')
    assert page.inner_text("#progress") != before  # household.js counted the answers
    page.check("#consent")
    page.click(".savebar button[type=submit]")
    page.wait_for_url("**/thon/*/**")
    watch.check()
    db.session.rollback()
    added = db.session.scalar(select(Person).where(Person.ho_ten == "Lê Thị Mai"))
    assert added is not None and added.dt_thong_minh is True
    watch.visit(base_url + "/dong-bo/xung-dot")


def test_volunteer_pages_offline_keep_the_policy(context, page, base_url, live_app):
    """no-store on the HTTP answer does not stop the service worker's own copy."""
    world = builders.World.create()
    urls, watch = _urls(live_app, world), Watch(context, page)
    login(page, base_url, "tnv1", builders.PASSWORD)
    page.wait_for_selector("#sync-bar[data-ready='1']", state="attached")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    watch.visit(base_url + urls["list"], "ul.list.hh[data-local-list]")
    watch.visit(base_url + urls["household"], "#hh")
    assert page.input_value("#m-0-ho_ten") == world.hh1.members[0].ho_ten
    watch.visit(base_url + urls["village_report"], "h1")  # needs the network: the worker says so
    assert "Không có mạng" in page.inner_text("h1")
    assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") == "720px"


def test_head_and_officer_pages_run_under_the_policy(context, page, base_url, live_app, tmp_path):
    live_app.config["EXPORTS_DIR"] = str(tmp_path)
    world = builders.World.create()
    populate(world)
    urls, watch = _urls(live_app, world), Watch(context, page)
    login(page, base_url, "truongthon1", builders.PASSWORD)
    for name in ("village_report", "plates"):
        watch.visit(base_url + urls[name])
    page.evaluate("window.print = function () { window.__printed = true; }")  # no dialog
    page.get_by_role("button", name="In trang này").click()
    assert page.evaluate("window.__printed === true")
    watch.check()  # an onclick= would have been refused here
    context.clear_cookies()
    login(page, base_url, "canbo", builders.PASSWORD)
    officer_pages = (urls["commune_report"], urls["settings"], "/quan-ly/nhap-du-lieu/")
    for path in (*officer_pages, "/quan-ly/thon", "/quan-ly/nguoi-dung"):
        watch.visit(base_url + path)
    watch.visit(base_url + urls["admin_village"])
    watch.visit(base_url + "/xuat/", "#year")
    page.fill("#year", str(YEAR))
    page.select_option("#scope", label="Thôn 1")
    page.check("input[name=fmt][value=xlsx]")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Tệp đã sẵn sàng", timeout=60_000)  # exports.js polled
    watch.check()
    assert len(watch.seen) >= 10
    db.session.rollback()
    assert db.session.scalar(select(Household).where(Household.id == world.hh1.id))
