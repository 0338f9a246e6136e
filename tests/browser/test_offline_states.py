# ruff: noqa: F811  (pytest fixtures from test_offline.py are passed by name)
"""The offline client's states and dead ends (phone at 360×740, real Chromium, real server):
the quiet sync bar and where it appears, links that need the network, search and filter tabs
over the phone's copy of a 300-household thôn, and a change the server refused ("Cần sửa")."""

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.households import services
from survey_app.households.models import Household, Person
from survey_app.sync.models import SyncChange
from tests import builders
from tests.browser.conftest import login, run_axe, screenshot, wait_until
from tests.browser.test_offline import (
    count,
    edit_offline,
    fresh,
    open_phone,  # noqa: F401  (a fixture, used by name)
    pending,
    sign_in_and_prepare,
    world_with_three,
)

SCREEN = 740


def bar_height(page) -> float:
    return page.evaluate("document.getElementById('sync-bar').getBoundingClientRect().height")


def test_sync_bar_is_one_quiet_line_and_grows_only_while_something_waits(
    open_phone, base_url, live_app
):
    world, households = world_with_three()
    context, page = open_phone()
    sign_in_and_prepare(page, base_url)
    page.goto(f"{base_url}/thon/{world.thon1.token}/")
    page.wait_for_selector("#sync-bar.quiet")
    quiet = bar_height(page)
    print(f"\nsync bar, quiet: {quiet:.0f} px of {SCREEN} ({quiet / SCREEN:.0%})")
    assert quiet <= 48 and quiet / SCREEN <= 0.10
    assert page.inner_text("#sync-count").startswith("Đã gửi hết")
    assert not page.is_visible("#sync-now") and not page.is_visible("#backup-save")
    assert run_axe(page) == []
    screenshot(page, "syncbar-quiet")
    page.click(".sync-more > summary")  # "Thêm": the backup, behind a small disclosure
    assert page.is_visible("#backup-save") and page.is_visible("label[for=backup-open]")
    assert page.evaluate("document.getElementById('backup-save').offsetHeight") >= 48
    screenshot(page, "syncbar-more")
    page.emulate_media(media="print")
    assert not page.is_visible("#sync-bar")
    page.emulate_media(media="screen")

    context.set_offline(True)
    edit_offline(page, base_url, households[0], "Xóm Chờ")
    pending(page, 1)
    assert page.inner_text("#sync-count") == "Chờ gửi (1)" and page.is_visible("#sync-now")
    screenshot(page, "syncbar-waiting")
    context.set_offline(False)
    pending(page, 0)
    page.wait_for_selector("#sync-bar.quiet")
    sent = page.inner_text("#sync-count")
    assert re.fullmatch(r"Đã gửi 1/1 thay đổi · \d\d:\d\d", sent), sent  # the result stays
    page.reload()
    page.wait_for_selector("#sync-bar.quiet")
    assert re.fullmatch(r"Đã gửi hết · \d\d:\d\d", page.inner_text("#sync-count"))
    assert bar_height(page) <= 48

    page.goto(f"{base_url}/bao-cao/")  # results need the network: no bar there
    page.wait_for_load_state("load")
    assert page.query_selector("#sync-bar") is None


def test_links_that_need_the_network_say_so_offline(open_phone, base_url, live_app):
    world, households = world_with_three()
    context, page = open_phone()
    sign_in_and_prepare(page, base_url)
    village_url = f"{base_url}/thon/{world.thon1.token}/"
    page.goto(village_url)
    page.wait_for_selector("#sync-bar[data-ready='1']", state="attached")
    context.set_offline(True)

    page.click("text=Xem kết quả của thôn")
    page.wait_for_selector("#offline-toast:visible")
    assert "Trang này cần có mạng" in page.inner_text("#offline-toast")
    assert page.url == village_url
    screenshot(page, "offline-needs-network")
    page.click("#offline-toast")
    page.click("details.menu > summary")
    page.click("details.menu a:has-text('Kết quả')")
    page.wait_for_selector("#offline-toast:visible")
    assert page.url == village_url
    page.click("#offline-toast")
    page.click("form.logout button")  # "Thoát" needs the server
    page.wait_for_selector("#offline-toast:visible")
    assert page.url == village_url

    page.click(f"#h-{households[1].token} a")  # a household: from the phone's copy
    page.wait_for_url(f"**/ho/{households[1].token}")
    page.wait_for_selector("form#hh")
    page.goto(f"{base_url}/bao-cao/")  # typed or bookmarked: the worker's Vietnamese page
    assert "Không có mạng" in page.inner_text("h1")
    assert "Trang này cần có mạng" in page.inner_text("main")
    assert page.evaluate("document.documentElement.lang") == "vi"


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đỗ", "Vũ", "Đặng"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hải", "Hoa", "Lan", "Mai", "Nam", "Sơn", "Tâm", "Yến"]
HAMLETS = ["Xóm Đông", "Xóm Đoài", "Xóm Thượng", "Xóm Hạ", "Đội 5"]


def village_of_300(world):
    """Thôn 1 with 300 households: names and hamlets with diacritics, a third surveyed."""
    for n in range(2, 301):  # HK-001 is the World's
        name = f"{FAMILY[n % 8]} {MIDDLE[n % 4]} {GIVEN[n % 12]}"
        ma_ho = f"T1-{n:03d}" if n % 50 else f"T1-{n * 10}"  # a few long numbers: natural order
        household = builders.make_household(world.thon1, ma_ho, name, dia_chi=HAMLETS[n % 5])
        if n % 3 == 0:
            household.surveyed_at = datetime(2025, 3, 1, 8, tzinfo=UTC)
    db.session.commit()


QUERIES = ["", "nguyen van", "xom doai", "dang", "t1-01", "DUC hai", "doi 5 yen"]


def test_search_and_filters_offline_over_the_whole_village(open_phone, base_url, live_app):
    world = builders.World.create()
    village_of_300(world)
    rows = services.village_rows(world.thon1.id)
    assert len(rows) == 300
    tabs = ["", "chua", "da", "khac"]
    expected = {
        (q, tt): [r.token for r in services.search_rows(rows, q, tt)]
        for q in QUERIES
        for tt in tabs
    }
    context, page = open_phone()
    login_url = f"{base_url}/thon/{world.thon1.token}/"
    login(page, base_url, "tnv1", builders.PASSWORD)  # warming 300 household pages takes a while
    page.wait_for_selector("#sync-bar[data-ready='1']", state="attached", timeout=180_000)
    wait_until(page, "navigator.serviceWorker.controller !== null")
    online = {}
    for q in QUERIES:
        for tt in tabs:
            page.goto(login_url + f"?q={q}&tt={tt}")
            online[(q, tt)] = int(page.get_attribute("#found", "data-found"))
    assert online == {key: len(tokens) for key, tokens in expected.items()}
    assert online[("", "")] == 300 and online[("", "khac")] == 0

    context.set_offline(True)
    page.goto(login_url)  # from the phone's copy
    page.wait_for_selector("ul.list.hh[data-local-list]")
    for q in QUERIES:
        page.fill("#q", q)
        page.click("form.search button[type=submit]")
        for tt in tabs:
            page.click(f"nav.tabs a[data-tt='{tt}']")
            page.wait_for_selector(f"ul.list.hh[data-tt='{tt}'][data-q='{q}']")
            shown = page.eval_on_selector_all(
                "ul.list.hh > li[id]", "els => els.map(e => e.id.slice(2))"
            )
            assert shown == expected[(q, tt)], (q, tt)  # all of them, in the server's order
            assert int(page.get_attribute("#found", "data-found")) == online[(q, tt)]
            assert page.get_attribute(f"nav.tabs a[data-tt='{tt}']", "aria-current") == "page"
    assert len(expected[("", "")]) == 300 and not page.is_visible(".pager")
    page.fill("#q", "nguyen van")
    page.click("form.search button[type=submit]")
    page.click("nav.tabs a[data-tt='chua']")
    assert page.url.endswith("?q=nguyen+van&tt=chua")
    assert run_axe(page) == []
    page.set_viewport_size({"width": 360, "height": 740})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(
        path=str(screenshot(page, "offline-search").with_name("offline-search-top.png"))
    )
    page.reload()  # the search in the address is answered from the phone again
    page.wait_for_selector("ul.list.hh[data-local-list]")
    assert page.input_value("#q") == "nguyen van"
    assert int(page.get_attribute("#found", "data-found")) == online[("nguyen van", "chua")]


BREAK_DATE = """async ([token, born]) => {
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open("khaosat-offline"); r.onsuccess = () => ok(r.result); r.onerror = ko;
  });
  const tx = db.transaction("changes", "readwrite");
  const store = tx.objectStore("changes");
  const all = await new Promise((ok) => {
    const r = store.getAll(); r.onsuccess = () => ok(r.result);
  });
  const change = all.find((c) => c.household === token);
  change.data.members[0].ngay_sinh = born;
  store.put(change);
  await new Promise((ok) => { tx.oncomplete = ok; });
  return change.change_id;
}"""


def test_refused_change_is_fixed_on_the_household_page_not_a_conflict(
    open_phone, base_url, live_app
):
    world, _ = world_with_three()
    household = world.hh1
    context, page = open_phone()
    sign_in_and_prepare(page, base_url)
    context.set_offline(True)
    edit_offline(page, base_url, household, "Xóm Sửa Lại")
    pending(page, 1)
    # A date no calendar has, put straight into the queue (the phone's own check is bypassed).
    page.evaluate(BREAK_DATE, [household.token, "31/02/1990"])

    context.set_offline(False)
    page.wait_for_selector("#sync-conflicts:has-text('Cần sửa 1 hộ')")
    assert page.inner_text("#sync-count") == "Chưa gửi được (1)"
    assert "xung đột" not in page.inner_text("#sync-bar").lower()
    page.click("#sync-conflicts")
    page.wait_for_selector("section.refused")
    text = page.inner_text("#conflicts")
    assert "Cần sửa: hộ Lê Văn Bình (HK-001)" in text
    line = page.inner_text("section.refused li")
    assert line.startswith("Thành viên 1 (Lê Văn Bình) — Ngày sinh: "), line
    assert "Người khác đã sửa" not in text and "Trên máy chủ" not in text
    assert run_axe(page) == []
    screenshot(page, "can-sua-list")

    page.click("text=Mở hộ để sửa")
    page.wait_for_url(f"**/ho/{household.token}")
    page.wait_for_selector("form#hh[data-refused]")
    assert page.input_value("#dia_chi") == "Xóm Sửa Lại"  # the phone's values
    assert page.input_value("#m-0-ngay_sinh") == "31/02/1990"
    beside = page.inner_text("#m-0 .field.has-error .error.js-refused")
    assert beside and beside in line  # the server's message, beside the field
    assert page.get_attribute("#m-0-ngay_sinh", "aria-invalid") == "true"
    summary = page.inner_text(".alert.js-refused")
    assert "Thành viên 1 (Lê Văn Bình) — Ngày sinh" in summary
    assert run_axe(page) == []
    screenshot(page, "can-sua-household")

    page.fill("#m-0-ngay_sinh", "28/02/1990")
    page.click(".savebar button[type=submit]")
    page.wait_for_url("**/thon/*/")
    pending(page, 0)
    saved = fresh(select(Household).where(Household.id == household.id))[0]
    assert (saved.dia_chi, saved.version) == ("Xóm Sửa Lại", 2)
    person = fresh(select(Person).where(Person.household_id == household.id))[0]
    assert person.birth_date == date(1990, 2, 28)
    assert count(SyncChange, SyncChange.status == "conflict") == 0
    assert not page.is_visible("#sync-conflicts")
