"""Acceptance (issue 5, phone side): offline saves in IndexedDB, sent once when the network is
back; lost pushes retried without duplicates; the conflict screen; the backup file; the shell
from the service worker. Real Chromium at 360×740, a persistent profile so that closing and
reopening the browser keeps the service worker, the page cache and the queue.

Prints the household page's first-load size and the sync timings (docs/benchmarks.md).
"""

import json
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.history.models import household_version
from survey_app.households.models import Household, Person
from survey_app.offline.views import SHELL
from survey_app.sync.models import SyncChange
from tests import builders
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, login, wait_until

KB = 1024


@pytest.fixture
def open_phone(playwright_instance, tmp_path):
    """Open (or reopen) a phone browser whose storage lives in a folder, like a real phone."""
    opened = []

    def open_(name="phone"):
        context = playwright_instance.chromium.launch_persistent_context(
            str(tmp_path / name),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            viewport=PHONE,
            locale="vi-VN",
            is_mobile=True,
            has_touch=True,
            accept_downloads=True,
        )
        opened.append(context)
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda e: print("PAGEERR", e))
        return context, page

    yield open_
    for context in opened:
        try:
            context.close()
        except Exception:  # already closed by the test
            pass


def world_with_three():
    """The World plus two more households in Thôn 1 (three to edit)."""
    world = builders.World.create()
    extra = [
        builders.make_household(world.thon1, "HK-003", "Đỗ Thị Hoa"),
        builders.make_household(world.thon1, "HK-004", "Ngô Văn Nam"),
    ]
    for household in extra:
        builders.make_person(household, household.chu_ho, date(1965, 3, 4))
    db.session.commit()
    return world, [world.hh1, *extra]


def sign_in_and_prepare(page, base_url, username="tnv1"):
    """Sign in online and wait until the phone holds the pages and the worker controls them."""
    login(page, base_url, username, builders.PASSWORD)
    page.wait_for_selector("#sync-bar[data-ready='1']", state="attached")
    wait_until(page, "navigator.serviceWorker.controller !== null")


def pending(page, n: int) -> None:
    """Wait until the phone holds ``n`` changes not yet applied (waiting, refused, conflicting)."""
    page.wait_for_selector(f"#sync-bar[data-pending='{n}']", state="attached")


def choose(page, name: str, value: str) -> None:
    page.check(f'input[name="{name}"][value="{value}"]')


def save_and_back(page) -> None:
    page.click(".savebar button[type=submit]")
    page.wait_for_url("**/thon/*/")


def edit_offline(page, base_url, household, address: str) -> None:
    page.goto(f"{base_url}/ho/{household.token}")
    page.check("#consent")  # the builders' households have no consent yet
    page.fill("#dia_chi", address)
    choose(page, "cap_quang", "1")
    save_and_back(page)


def add_offline(page, base_url, village, ma_ho: str, people: list[tuple[str, str, str]]) -> None:
    page.goto(f"{base_url}/thon/{village.token}/ho-moi")
    page.check("#consent")
    page.fill("#ma_ho", ma_ho)
    page.fill("#chu_ho", people[0][0])
    for index, (name, born, sex) in enumerate(people):
        if index:
            page.click("#add-member")
        page.fill(f"#m-{index}-ho_ten", name)
        page.fill(f"#m-{index}-ngay_sinh", born)
        choose(page, f"m-{index}-gioi_tinh", sex)
    save_and_back(page)


def fresh(stmt):
    db.session.rollback()  # see what the server committed since
    return db.session.scalars(stmt).all()


def count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_offline_edits_survive_reload_and_restart_then_sync_once(open_phone, base_url, live_app):
    world, households = world_with_three()
    context, page = open_phone()
    sign_in_and_prepare(page, base_url)

    context.set_offline(True)
    for number, household in enumerate(households, start=1):
        edit_offline(page, base_url, household, f"Xóm Mới {number}")
    add_offline(
        page, base_url, world.thon1, "HK-120",
        [("Đỗ Văn Hải", "05/03/1958", "nam"), ("Lê Thị Mai", "1962", "nu")],
    )  # fmt: skip
    pending(page, 4)

    page.reload()  # offline: the list comes from the phone, the queue from IndexedDB
    pending(page, 4)
    assert "Đỗ Văn Hải" in page.inner_text("ul.list.hh")
    page.goto(f"{base_url}/ho/{households[1].token}")
    page.wait_for_selector("form#hh[data-pending]")  # the saved edit is laid over the page
    assert page.input_value("#dia_chi") == "Xóm Mới 2"
    context.close()

    context, page = open_phone()  # the browser was closed; same storage
    context.set_offline(True)
    page.goto(f"{base_url}/thon/{world.thon1.token}/")
    pending(page, 4)
    page.click("text=Đỗ Văn Hải")
    page.wait_for_selector("form#hh[data-pending]")
    assert page.input_value("#m-1-ho_ten") == "Lê Thị Mai"
    assert page.input_value("#m-1-ngay_sinh") == "1962"

    started = time.perf_counter()
    context.set_offline(False)  # the `online` event sends the queue
    pending(page, 0)
    print(f"\nsync of 4 queued changes after going online: {time.perf_counter() - started:.2f} s")

    assert count(SyncChange) == 4
    assert count(Household, Household.village_id == world.thon1.id) == 4
    rows = {h.ma_ho: h for h in fresh(select(Household))}
    for number, household in enumerate(households, start=1):
        assert rows[household.ma_ho].dia_chi == f"Xóm Mới {number}"
        assert rows[household.ma_ho].cap_quang is True
        assert rows[household.ma_ho].version == 2
    new = rows["HK-120"]
    assert new.chu_ho == "Đỗ Văn Hải" and new.consent_given
    names = [p.ho_ten for p in fresh(select(Person).where(Person.household_id == new.id))]
    assert sorted(names) == ["Lê Thị Mai", "Đỗ Văn Hải"]
    assert count(Person) == 3 + 2 + 2  # World's three, two extra, two new: nothing doubled


def test_online_save_on_a_dead_network_is_queued_and_sent_once(open_phone, base_url, live_app):
    world, _ = world_with_three()
    household = world.hh1
    context, page = open_phone()
    sign_in_and_prepare(page, base_url)  # the browser stays "online" throughout
    posts = []

    def dead_post(route):
        if route.request.method != "POST":
            return route.continue_()
        posts.append(route.request.url)
        route.abort()

    page.route("**/ho/**", dead_post)
    page.route("**/api/sync/push", lambda route: route.abort())  # the network is dead for all
    page.goto(f"{base_url}/ho/{household.token}")
    page.check("#consent")
    page.fill("#dia_chi", "Xóm Sóng Yếu")
    choose(page, "cap_quang", "1")
    save_and_back(page)  # not the browser's error page: back on the list, change kept
    pending(page, 1)
    assert posts == [f"{base_url}/ho/{household.token}"]
    assert count(SyncChange) == 0
    assert fresh(select(Household).where(Household.id == household.id))[0].version == 1

    page.unroute("**/ho/**")
    page.unroute("**/api/sync/push")
    page.click("#sync-now")
    pending(page, 0)
    assert count(SyncChange) == 1
    saved = fresh(select(Household).where(Household.id == household.id))[0]
    assert (saved.dia_chi, saved.cap_quang, saved.version) == ("Xóm Sóng Yếu", True, 2)


def test_online_save_shows_the_server_answer(open_phone, base_url, live_app):
    world, _ = world_with_three()
    context, page = open_phone()
    sign_in_and_prepare(page, base_url)
    page.goto(f"{base_url}/ho/{world.hh1.token}")
    page.wait_for_load_state("load")  # the page's scripts are in place before the first tap
    page.check("#consent")
    page.fill("#chu_ho", "")
    page.fill("#dia_chi", "Xóm Lỗi")
    page.click(".savebar button[type=submit]")
    page.wait_for_selector("#chu_ho-err")  # the server's 422 page, typed values kept
    page.wait_for_load_state("load")  # and its scripts, before typing again
    assert page.input_value("#dia_chi") == "Xóm Lỗi" and page.is_checked("#consent")
    page.fill("#chu_ho", "Lê Văn Sửa")
    page.click(".savebar button[type=submit]")
    page.wait_for_selector(".flash:has-text('Đã lưu hộ HK-001')")
    assert page.url.endswith(f"/thon/{world.thon1.token}/?sau={world.hh1.token}")
    pending(page, 0)
    saved = fresh(select(Household).where(Household.id == world.hh1.id))[0]
    assert (saved.chu_ho, saved.dia_chi, saved.version) == ("Lê Văn Sửa", "Xóm Lỗi", 2)
    assert count(SyncChange) == 0  # the ordinary post, not the queue


def test_repeat_load_takes_the_shell_from_the_phone(open_phone, base_url, live_app):
    world, _ = world_with_three()
    context, page = open_phone()
    sign_in_and_prepare(page, base_url)
    served = count_static_requests(live_app)
    seen = []
    context.on("request", lambda r: seen.append(r))
    page.goto(f"{base_url}/ho/{world.hh1.token}")
    page.wait_for_load_state("load")
    shell = [r for r in seen if "/static/" in r.url]
    assert {r.url.split("/static/")[1] for r in shell} >= {"css/app.css", "js/offline.js"}
    assert all(r.response().from_service_worker for r in shell if not r.service_worker)
    assert [r.url for r in shell if r.service_worker] == []  # the worker went to no network
    assert served == []  # and the server saw no request for a static file


def count_static_requests(app) -> list[str]:
    """Wrap the static-file view so the test sees every request that reaches the server."""
    served, view = [], app.view_functions["static"]

    def counting(filename):
        served.append(filename)
        return view(filename=filename)

    app.view_functions["static"] = counting
    return served


def test_lost_pushes_are_retried_without_duplicates(open_phone, base_url, live_app):
    world, households = world_with_three()
    context, page = open_phone()
    sign_in_and_prepare(page, base_url)
    context.set_offline(True)
    edit_offline(page, base_url, households[0], "Xóm Gửi Lại")
    add_offline(page, base_url, world.thon1, "HK-130", [("Vũ Văn Sơn", "1980", "nam")])
    pending(page, 2)

    calls = []

    def abort(route):
        calls.append("aborted")
        route.abort()

    def lose_answer(route):
        route.fetch()  # the server commits...
        calls.append("answer lost")
        route.abort()  # ...and the phone never hears back

    page.route("**/api/sync/push", abort, times=1)
    context.set_offline(False)
    page.wait_for_selector("#sync-msg:has-text('Gửi không được (lần 1')")
    pending(page, 2)
    assert count(SyncChange) == 0

    page.route("**/api/sync/push", lose_answer, times=1)
    page.click("#sync-now")
    page.wait_for_selector("#sync-msg:has-text('Gửi không được (lần 2')")
    pending(page, 2)
    assert count(SyncChange) == 2  # applied, though the phone does not know

    page.click("#sync-now")  # same change_ids: the server answers with its stored results
    pending(page, 0)
    assert calls == ["aborted", "answer lost"]
    assert count(SyncChange) == 2
    assert count(Household, Household.ma_ho == "HK-130") == 1
    assert count(Person) == 3 + 2 + 1
    edited = fresh(select(Household).where(Household.id == households[0].id))[0]
    assert (edited.dia_chi, edited.version) == ("Xóm Gửi Lại", 2)  # applied once


def test_conflict_screen_lets_the_volunteer_choose(open_phone, browser, base_url, live_app):
    world, _ = world_with_three()
    household = world.hh1
    context, page = open_phone()
    sign_in_and_prepare(page, base_url)
    context.set_offline(True)
    page.goto(f"{base_url}/ho/{household.token}")
    page.check("#consent")
    page.fill("#dia_chi", "Xóm Đông (tnv1)")
    page.fill("#so_dien_thoai", "0912345678")
    save_and_back(page)
    pending(page, 1)

    head = browser.new_context(viewport=PHONE, locale="vi-VN")  # the village head, online
    other = head.new_page()
    login(other, base_url, "truongthon1", builders.PASSWORD)
    other.goto(f"{base_url}/ho/{household.token}")
    other.check("#consent")
    other.fill("#chu_ho", "Lê Văn Bính")
    other.fill("#dia_chi", "Xóm Đông (trưởng thôn)")
    other.click(".savebar button[type=submit]")
    other.wait_for_selector(".flash:has-text('Đã lưu hộ HK-001')")
    head.close()

    context.set_offline(False)
    page.click("#sync-conflicts")  # shown once the push answered "conflict"
    page.wait_for_selector("section.conflict")
    text = page.inner_text("section.conflict")
    assert "Của bạn: Xóm Đông (tnv1)" in text and "Trên máy chủ: Xóm Đông (trưởng thôn)" in text
    assert "Trên máy chủ: Lê Văn Bính" in text
    choose(page, "0-h-chu_ho", "server")  # dia_chi and the phone number: keep the volunteer's
    page.click(".js-resolve")
    pending(page, 0)

    saved = fresh(select(Household).where(Household.id == household.id))[0]
    assert (saved.chu_ho, saved.dia_chi) == ("Lê Văn Bính", "Xóm Đông (tnv1)")
    assert saved.so_dien_thoai == "0912345678"
    refused = fresh(select(SyncChange).where(SyncChange.status == "conflict"))
    assert len(refused) == 1 and refused[0].payload["data"]["dia_chi"] == "Xóm Đông (tnv1)"
    v = household_version.c
    kept = fresh(select(v.dia_chi).where(v.household_id == household.id))
    assert "Xóm Đông (trưởng thôn)" in kept  # the value replaced by the choice is kept


def test_backup_file_restores_the_queue_in_a_fresh_profile(
    open_phone, base_url, live_app, tmp_path
):
    world, households = world_with_three()
    context, page = open_phone("phone-a")
    sign_in_and_prepare(page, base_url)
    context.set_offline(True)
    edit_offline(page, base_url, households[2], "Xóm Sao Lưu")
    people = [("Phan Văn Tâm", "1975", "nam"), ("Hà Thị Yến", "1978", "nu")]
    add_offline(page, base_url, world.thon1, "HK-140", people)
    pending(page, 2)
    page.click(".sync-more > summary")  # "Thêm": the backup is not on the first screen
    with page.expect_download() as download:
        page.click("#backup-save")
    backup = tmp_path / "ban-sao.json"
    download.value.save_as(backup)
    context.close()  # this phone's storage is gone for good
    assert len(json.loads(backup.read_text())["changes"]) == 2

    context, page = open_phone("phone-b")
    login(page, base_url, "tnv1", builders.PASSWORD)
    page.set_input_files("#backup-open", str(backup))
    page.wait_for_selector("#sync-bar[data-last-push-ms]", state="attached")
    pending(page, 0)
    assert count(SyncChange) == 2
    new = fresh(select(Household).where(Household.ma_ho == "HK-140"))[0]
    assert sorted(p.ho_ten for p in new.members) == ["Hà Thị Yến", "Phan Văn Tâm"]
    edited = fresh(select(Household).where(Household.id == households[2].id))[0]
    assert edited.dia_chi == "Xóm Sao Lưu"


def test_expired_session_keeps_the_queue_and_syncs_after_signing_in(open_phone, base_url, live_app):
    world, households = world_with_three()
    context, page = open_phone()
    sign_in_and_prepare(page, base_url)
    context.set_offline(True)
    edit_offline(page, base_url, households[1], "Xóm Hết Phiên")
    pending(page, 1)
    context.clear_cookies()  # the session ended while the phone was offline
    context.set_offline(False)
    page.wait_for_selector("#sync-msg:has-text('Phiên đăng nhập đã hết')")
    pending(page, 1)
    page.click("#sync-msg a")
    page.fill("#username", "tnv1")
    page.fill("#password", builders.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#sync-bar[data-last-push-ms]", state="attached")
    pending(page, 0)
    edited = fresh(select(Household).where(Household.id == households[1].id))[0]
    assert edited.dia_chi == "Xóm Hết Phiên"


def test_household_page_first_load_is_small(open_phone, base_url, live_app):
    world, _ = world_with_three()
    context, page = open_phone()
    login(page, base_url, "tnv1", builders.PASSWORD)
    gzip = {"Accept-Encoding": "gzip"}

    def wire_size(path):  # bytes on the wire (gzip where the server compresses)
        return int(context.request.get(base_url + path, headers=gzip).headers["content-length"])

    parts = {"page": wire_size(f"/ho/{world.hh1.token}"), "sw.js": wire_size("/sw.js")}
    for name in SHELL:
        parts[name] = wire_size(f"/static/{name}")
    total = sum(parts.values())
    print(f"\nhousehold page first load: {total / KB:.1f} KB " + str(parts))
    assert total <= 25 * KB  # page, worker and the whole offline shell, gzipped
    page.wait_for_selector("#sync-bar[data-ready='1']", state="attached")
    warm_ms = page.get_attribute("#sync-bar", "data-warm-ms")
    print(f"warming the page cache after sign-in: {warm_ms} ms")
    # The phone holds the household's page after warming, and it took a sane time.
    assert 0 < int(warm_ms) < 15_000
    cached = page.evaluate(
        "async (u) => !!(await (await caches.open('pages')).match(u))",
        f"{base_url}/ho/{world.hh1.token}",
    )
    assert cached
