"""Offline, every link and button of every volunteer page either opens a page from the phone's copy
or says in Vietnamese that it needs the network: never the browser's own (English) error page.
The test walks them all, whatever they are, so a link added later is covered too."""

from tests.browser.conftest import screenshot
from tests.browser.test_offline import open_phone, sign_in_and_prepare  # noqa: F401
from tests.browser.test_visit import reference_world

# Every element a person can tap that leaves the page: links and "Thoát" (the household form's
# own "Lưu" queues on the phone, tests/browser/test_offline.py).
TARGETS_JS = """() => {
  const all = [...document.querySelectorAll('a[href], form.logout button')];
  return all.map((el) => ({
    text: (el.textContent || '').trim().slice(0, 40), href: el.href || null,
    same: !!el.href && el.href.split('#')[0] === location.href.split('#')[0]}));
}"""
# Found again by address and words after each reload: the offline list is drawn by the script.
CLICK_JS = """([href, text]) => {
  const el = [...document.querySelectorAll('a[href], form.logout button')].find(
    (e) => (e.href || null) === href && (e.textContent || '').trim().slice(0, 40) === text);
  if (!el) return false;
  const menu = el.closest('details'); if (menu) menu.open = true;
  el.click();
  return true;
}"""


def test_every_link_of_every_volunteer_page_offline(open_phone, base_url, live_app):  # noqa: F811
    world, household = reference_world()
    context, page = open_phone()
    sign_in_and_prepare(page, base_url)
    pages = [
        "/thon/",
        f"/thon/{world.thon1.token}/",
        f"/thon/{world.thon1.token}/ho-moi",
        f"/ho/{household.token}",
        "/dong-bo/xung-dot",
    ]
    for path in pages:  # visited online once, as a volunteer would
        page.goto(base_url + path)
    context.set_offline(True)
    walked = 0
    for path in pages:
        page.goto(base_url + path)
        page.wait_for_timeout(300)
        targets = page.evaluate(TARGETS_JS)
        assert targets, path
        for target in targets:
            if target["same"]:
                continue  # an anchor on the same page (error summary, "Tiếp theo")
            page.goto(base_url + path)
            page.wait_for_timeout(300)  # let the offline list draw itself
            page.on("dialog", lambda dialog: dialog.dismiss())
            assert page.evaluate(CLICK_JS, [target["href"], target["text"]]), target
            page.wait_for_timeout(400)
            page.wait_for_load_state()
            where = page.url
            said = page.locator("#offline-toast:visible").count() > 0
            lang = page.evaluate("document.documentElement.lang")
            body = page.inner_text("body")
            what = f"{path} → {target['text']!r} ({target['href']})"
            assert not where.startswith("chrome-error"), what
            assert lang == "vi", what
            assert said or where != base_url + path, what
            assert "ERR_" not in body and "This site can" not in body, what
            walked += 1
    screenshot(page, "offline-walk-last")
    assert walked >= 15  # the walk really went through the pages' links
