"""Acceptance (issue 5, phone side): offline saves in IndexedDB, sent once when the network is
back; lost pushes retried without duplicates; the conflict screen; the backup file; the shell
from the service worker. Real Chromium at 360×740, a persistent profile so that closing and
reopening the browser keeps the service worker, the page cache and the queue.

Prints the household page's first-load size and the sync timings (docs/benchmarks.md).
"""

import time
from datetime import date

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.sync.models import SyncChange
from tests import builders
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, login

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
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def pending(page, n: int) -> None:
    page.wait_for_selector(f"#sync-count:text-is('Chờ gửi ({n})')")


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
