"""Acceptance: a volunteer surveys a household on a 360×740 phone, in a real Chromium.

Prints the household page's transfer size and the script time of adding a 15th member with the
CPU throttled ×4, and checks axe, tap targets (≥ 48 px) and text size (≥ 16 px).
"""

from datetime import date

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.households.models import Household
from tests import builders
from tests.browser.conftest import login, run_axe, screenshot, wait_until

KB = 1024

# Visible things a finger must hit: buttons, links, fields, and the labels that act as toggles
# (a radio or checkbox is measured by its label, which is what the finger lands on).
TAP_TARGETS_JS = """() => {
  const small = [];
  const visible = el => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  const sel = 'button, a[href], summary, select, textarea, input:not([type=hidden])';
  for (const el of document.querySelectorAll(sel)) {
    const target = ['radio', 'checkbox'].includes(el.type) ? el.closest('label') : el;
    if (!visible(target)) continue;
    const h = target.getBoundingClientRect().height;
    if (h < 48) small.push(`${target.tagName} ${target.textContent.trim().slice(0, 30)} ${h}`);
  }
  return small;
}"""

# Every visible element that holds text directly must be at least 16 px.
SMALL_TEXT_JS = """() => {
  const small = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.getClientRects().length === 0) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 16) small.push(`${el.tagName}.${el.className} ${size}px`);
  }
  return {body: parseFloat(getComputedStyle(document.body).fontSize), small};
}"""

TRANSFER_JS = """() => {
  const entries = [...performance.getEntriesByType('navigation'),
                   ...performance.getEntriesByType('resource')];
  return entries.map(e => ({name: e.name, transfer: e.transferSize,
                            encoded: e.encodedBodySize, decoded: e.decodedBodySize}));
}"""


def choose(page, name: str, value: str) -> None:
    """Tap a big choice button (the radio input covers its whole button)."""
    page.check(f'input[name="{name}"][value="{value}"]')


def check_page_quality(page, name: str) -> None:
    assert run_axe(page) == [], name
    assert page.evaluate(TAP_TARGETS_JS) == [], name
    text = page.evaluate(SMALL_TEXT_JS)
    assert text["body"] >= 16 and text["small"] == [], (name, text)
    screenshot(page, name)


def fill_member(page, index: int, name: str, born: str, sex: str, relation: str, **choices):
    prefix = f"m-{index}-"
    page.fill(f"#{prefix}ho_ten", name)
    page.fill(f"#{prefix}ngay_sinh", born)
    choose(page, prefix + "gioi_tinh", sex)
    page.select_option(f"#{prefix}quan_he", relation)
    for key, value in choices.items():
        choose(page, prefix + key, value)


def add_member(page) -> None:
    page.click("#add-member")


def test_volunteer_adds_a_household_with_three_members(page, base_url, live_app):
    world = builders.World.create()
    login(page, base_url, "tnv1", builders.PASSWORD)
    page.click("text=Thôn 1")
    check_page_quality(page, "volunteer-list")
    page.click("text=+ Thêm hộ mới")

    page.check("#consent")
    page.fill("#ma_ho", "HK-101")
    page.fill("#dia_chi", "Xóm Bắc, số 12")
    page.fill("#so_dien_thoai", "0912345678")
    choose(page, "cap_quang", "1")
    choose(page, "dien_khong_tien_mat", "0")
    choose(page, "ho_kinh_doanh", "1")
    choose(page, "kd_thanh_toan_dt", "1")  # shown only once ho_kinh_doanh = Có
    fill_member(
        page, 0, "Phạm Văn Tư", "1958", "nam", "Chủ hộ",
        dt_thong_minh="1", tk_thanh_toan="0", vneid="muc_2",
    )  # fmt: skip
    add_member(page)
    fill_member(
        page, 1, "Nguyễn Thị Lành", "12/08/1962", "nu", "Vợ",
        cu_tru="tam_vang", dt_thong_minh="0",
    )  # fmt: skip
    add_member(page)
    fill_member(
        page, 2, "Phạm Minh Khoa", "03/04/1990", "nam", "Con",
        ky_nang_so="1", vneid="chua_kich_hoat",
    )  # fmt: skip
    page.click("#hh button[type=submit]")  # chủ hộ left empty on purpose
    page.wait_for_load_state()

    assert page.inner_text("#chu_ho-err") == "Vui lòng nhập họ tên chủ hộ."
    assert page.is_checked("#consent")
    assert page.input_value("#ma_ho") == "HK-101"
    assert page.input_value("#dia_chi") == "Xóm Bắc, số 12"
    assert page.is_checked('input[name="kd_thanh_toan_dt"][value="1"]')
    assert page.is_visible('input[name="kd_thanh_toan_dt"][value="1"]')
    rows = [
        ("Phạm Văn Tư", "1958", "vneid", "muc_2"),
        ("Nguyễn Thị Lành", "12/08/1962", "cu_tru", "tam_vang"),
        ("Phạm Minh Khoa", "03/04/1990", "vneid", "chua_kich_hoat"),
    ]
    for index, (name, born, key, value) in enumerate(rows):
        assert page.input_value(f"#m-{index}-ho_ten") == name
        assert page.input_value(f"#m-{index}-ngay_sinh") == born
        assert page.is_checked(f'input[name="m-{index}-{key}"][value="{value}"]')
    assert page.input_value("#m-1-quan_he") == "Vợ"
    check_page_quality(page, "volunteer-household-error")

    page.fill("#chu_ho", "Phạm Văn Tư")
    page.click("#hh button[type=submit]")
    page.wait_for_load_state()
    assert "Đã lưu hộ HK-101" in page.inner_text(".flash")
    household = db.session.scalar(select(Household).where(Household.ma_ho == "HK-101"))
    row = page.locator(f"#h-{household.token}")
    # Many items are still "Chưa hỏi": saved, listed as not finished with the count answered.
    assert "Chưa xong" in row.inner_text() and "câu" in row.inner_text()
    assert "Tiếp theo" in page.inner_text("#tiep-theo")
    screenshot(page, "volunteer-list-after-save")

    assert_database_holds_what_was_typed(household, world)
    measure_household_page(page, base_url, household)


def assert_database_holds_what_was_typed(household, world):
    db.session.expire_all()
    assert (household.ma_ho, household.chu_ho, household.village_id) == (
        "HK-101",
        "Phạm Văn Tư",
        world.thon1.id,
    )
    assert (household.dia_chi, household.so_dien_thoai) == ("Xóm Bắc, số 12", "0912345678")
    assert (household.cap_quang, household.dien_khong_tien_mat, household.dia_chi_so) == (
        True,
        False,
        None,
    )
    assert (household.ho_kinh_doanh, household.kd_thanh_toan_dt, household.kd_san_tmdt) == (
        True,
        True,
        None,
    )
    assert household.consent_given and household.consent_by_id == world.vol1.id
    assert household.last_edited_by_id == world.vol1.id and household.version == 1
    assert household.surveyed_by_id is None  # not complete yet: nobody has "surveyed" it
    people = [
        (
            p.ho_ten, p.birth_date, p.birth_year_only, p.gioi_tinh, p.quan_he, p.cu_tru,
            p.dt_thong_minh, p.tk_thanh_toan, p.ky_nang_so, p.ptt_an_toan, p.vneid,
        )
        for p in household.members
    ]  # fmt: skip
    assert people == [
        ("Phạm Văn Tư", date(1958, 7, 1), True, "nam", "Chủ hộ", "co_mat",
         True, False, None, None, "muc_2"),
        ("Nguyễn Thị Lành", date(1962, 8, 12), False, "nu", "Vợ", "tam_vang",
         False, None, None, None, None),
        ("Phạm Minh Khoa", date(1990, 4, 3), False, "nam", "Con", "co_mat",
         None, None, True, None, "chua_kich_hoat"),
    ]  # fmt: skip


def measure_household_page(page, base_url, household):
    """Open the saved household with an empty cache and add up what crossed the network."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    # A first visit has no service worker yet: measure what the network itself carries.
    cdp.send("Network.setBypassServiceWorker", {"bypass": True})
    page.goto(f"{base_url}/ho/{household.token}")
    page.wait_for_load_state("load")
    entries = page.evaluate(TRANSFER_JS)
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.setBypassServiceWorker", {"bypass": False})
    transfer = sum(e["transfer"] for e in entries)
    decoded = sum(e["decoded"] for e in entries)
    for e in entries:
        print(f"  {e['name'].rsplit('/', 1)[-1][:30]:30} {e['transfer']:>7} B on the wire")
    print(
        f"\nHousehold page (3 members): {transfer / KB:.1f} KB transferred "
        f"({decoded / KB:.1f} KB uncompressed) in {len(entries)} requests"
    )
    assert transfer <= 100 * KB and decoded <= 100 * KB
    check_page_quality(page, "volunteer-household")


CLOCK_JS = """() => {
  // Capturing listener on window runs before the button's handler, bubbling one right after it.
  window.__clock = {};
  window.addEventListener('click', () => { window.__clock.start = performance.now(); }, true);
  window.addEventListener('click', () => {
    window.__clock.handler = performance.now() - window.__clock.start;
    requestAnimationFrame(() => setTimeout(() => {
      window.__clock.frame = performance.now() - window.__clock.start;
    }));
  });
}"""


def script_seconds(cdp) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "ScriptDuration")


def test_adding_the_fifteenth_member_is_instant_on_a_slow_phone(page, base_url, live_app):
    world = builders.World.create()
    for number in range(2, 15):
        builders.make_person(world.hh1, f"Lê Văn Con {number}", date(1990 + number % 20, 1, 1))
    db.session.commit()
    login(page, base_url, "tnv1", builders.PASSWORD)
    page.goto(f"{base_url}/ho/{world.hh1.token}")
    assert page.locator("#mlist > details").count() == 14
    html = page.evaluate(TRANSFER_JS)[0]
    print(f"\nHousehold page (14 members): HTML {html['transfer'] / KB:.1f} KB transferred "
          f"({html['decoded'] / KB:.1f} KB uncompressed)")  # fmt: skip
    button = page.locator("#add-member")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    page.evaluate(CLOCK_JS)

    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    before = script_seconds(cdp)
    # A raw input event: Playwright's own injected scripts would otherwise count as page script.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    script_ms = (script_seconds(cdp) - before) * 1000
    wait_until(page, "window.__clock.frame !== undefined")
    clock = page.evaluate("window.__clock")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})

    assert page.locator("#mlist > details").count() == 15
    assert page.evaluate("document.activeElement.id") == "m-14-ho_ten"
    assert page.inner_text("#mcount") == "15"
    print(
        f"\nAdding the 15th member, CPU ×4: {script_ms:.1f} ms script (CDP ScriptDuration), "
        f"{clock['handler']:.1f} ms in the click handler, {clock['frame']:.1f} ms to the next frame"
    )
    # The brief's measure is script time (CDP). The handler figure also holds the layout that
    # focus() forces, and the frame figure the paint: printed for the record, not asserted.
    assert script_ms < 100
    screenshot(page, "volunteer-household-15-members")
