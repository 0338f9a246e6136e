"""Door plates in Chromium at 360×740: a QR decoded from a printed label opens the household
after signing in; other villages and revoked plates get the plain 404; offline, a scanned plate
of a household saved on the phone still opens; the in-page scanner; axe on the new pages."""

import pytest
import zxingcpp
from PIL import Image

from survey_app.extensions import db
from survey_app.plates import services
from tests import builders
from tests.browser.conftest import login, run_axe, screenshot, wait_until
from tests.plates.support import populate


@pytest.fixture
def plates(live_app, base_url, tmp_path):
    """Thôn 1 with a few households, its sheet printed; plate URL of hh1 decoded from its QR."""
    live_app.config["PUBLIC_BASE_URL"] = base_url
    world = builders.World.create()
    populate(world.thon1, 5)
    services.issue_missing(world.head1, world.thon1)
    services.issue_missing(world.head1, world.thon2)
    db.session.commit()
    label = next(lb for lb in services.sheet_labels(world.thon1) if lb.household == world.hh1)
    png = tmp_path / "plate.png"
    png.write_bytes(services.qr_png(label.url))
    (decoded,) = [r.text for r in zxingcpp.read_barcodes(Image.open(png))]
    assert decoded == f"{base_url}/h/{label.plate.token}"
    return world, decoded


def _is_404(page):
    assert page.locator("h1").inner_text() == "Không tìm thấy"


def test_decoded_plate_signed_out_then_sign_in_opens_the_household(page, plates):
    world, url = plates
    page.goto(url)
    assert "/dang-nhap?next=" in page.url
    page.fill("#username", "tnv1")
    page.fill("#password", builders.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/ho/{world.hh1.token}")
    assert page.locator(f"form#hh[data-household='{world.hh1.token}']").count() == 1


def test_volunteer_of_another_village_gets_404(page, base_url, plates):
    world, url = plates
    login(page, base_url, "tnv2", builders.PASSWORD)
    response = page.goto(url)
    assert response.status == 404
    _is_404(page)
    assert world.hh1.token not in page.content()


def test_revoked_plate_gets_404(page, base_url, plates):
    world, url = plates
    services.revoke(world.head1, world.hh1)
    db.session.commit()
    login(page, base_url, "tnv1", builders.PASSWORD)
    assert page.goto(url).status == 404
    _is_404(page)


def test_offline_a_scanned_plate_opens_the_cached_household(context, page, base_url, plates):
    world, url = plates
    login(page, base_url, "tnv1", builders.PASSWORD)
    page.wait_for_selector("#sync-bar[data-ready='1']", state="attached")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.goto(url)
    page.wait_for_url(f"**/ho/{world.hh1.token}")
    assert page.locator(f"form#hh[data-household='{world.hh1.token}']").count() == 1
    screenshot(page, "plates-offline-household")
    # A plate the phone does not know: the usual offline page, not an error of the browser.
    page.goto(base_url + "/h/" + "k" * 22)
    assert "Không có mạng" in page.content()
    context.set_offline(False)


FAKE_CAMERA = """
window.BarcodeDetector = class {
  static getSupportedFormats() { return Promise.resolve(["qr_code"]); }
  detect() { return Promise.resolve(window.__codes || []); }
};
navigator.mediaDevices.enumerateDevices = () => Promise.resolve([{ kind: "videoinput" }]);
navigator.mediaDevices.getUserMedia = () => {
  if (window.__refuse) return Promise.reject(new DOMException("no", "NotAllowedError"));
  const canvas = document.createElement("canvas");
  canvas.getContext("2d").fillRect(0, 0, 10, 10);
  return Promise.resolve(canvas.captureStream());
};
"""


def test_scan_button_reads_a_plate_and_opens_the_household(context, page, base_url, plates):
    world, url = plates
    login(page, base_url, "tnv1", builders.PASSWORD)
    page.goto(f"{base_url}/thon/{world.thon1.token}/")
    assert page.locator("#scan").is_hidden()  # desktop Chromium has no BarcodeDetector
    assert page.locator("text=In biển số cửa").count() == 0  # volunteers do not print
    page.add_init_script(FAKE_CAMERA)
    page.reload()
    page.wait_for_selector("#scan-open", state="visible")
    page.evaluate("window.__refuse = true")
    page.click("#scan-open")
    page.wait_for_selector("#scan-msg:has-text('Chưa được phép dùng camera')")
    page.click("#scan-close")
    page.evaluate(
        "window.__refuse = false; window.__codes = [{ rawValue: 'https://vi.wikipedia.org/' }]"
    )
    page.click("#scan-open")
    page.wait_for_selector("#scan-msg:has-text('không phải biển số cửa')")
    screenshot(page, "plates-scan-open")
    assert run_axe(page) == []
    page.evaluate(f"window.__codes = [{{ rawValue: {url!r} }}]")
    page.wait_for_url(f"**/ho/{world.hh1.token}")


def test_print_view_and_household_plate_page(page, base_url, plates):
    world, _ = plates
    login(page, base_url, "truongthon1", builders.PASSWORD)
    page.goto(f"{base_url}/thon/{world.thon1.token}/")
    page.click("text=In biển số cửa")
    page.wait_for_url("**/bien-so")
    assert page.locator("td.label").count() == 6
    assert run_axe(page) == []
    screenshot(page, "plates-print-view")
    page.emulate_media(media="print")
    screenshot(page, "plates-print-media")
    page.emulate_media(media="screen")
    page.locator("a.plate-link").first.click()
    page.wait_for_url("**/ho/*/bien-so")
    assert run_axe(page) == []
    screenshot(page, "plates-household")
    page.click("text=Thu hồi biển")
    page.wait_for_selector("text=Đã thu hồi biển của hộ")
    assert run_axe(page) == []
