"""Numbers in URLs: odd digits int() refuses get the default and a message, never a 500."""

import pytest

from household_forms.query import int_arg, whole_number
from survey_app.extensions import db
from tests import builders

SET = "thanh-hoa-1829"
ODD_DIGITS = ("²", "①", "١٢", "12²", "-1", "1e3", "1 2", "0x1f", "9" * 10)


@pytest.mark.parametrize("text", ODD_DIGITS + ("", None))
def test_whole_number_takes_ascii_digits_only(text):
    assert whole_number(text) is None


def test_whole_number_and_int_arg_read_plain_numbers():
    assert whole_number(" 2025 ") == 2025 and whole_number("007") == 7
    assert int_arg({"trang": "3"}, "trang", 1) == 3
    assert int_arg({"trang": "0"}, "trang", 1) == 1  # below low
    assert int_arg({"nam": "3000"}, "nam", 2025, 2000, 2100) == 2025
    assert int_arg({}, "trang", 1) == 1


def _report_urls(world) -> list[str]:
    thon, xa = f"/bao-cao/thon/{world.thon1.token}", f"/bao-cao/xa/{world.commune.token}"
    return [
        thon,
        f"{thon}/can-ho-tro/{SET}/3.9",
        xa,
        f"{xa}/cai-dat",
        f"{xa}/chi-tieu-thu-cong/{SET}",
    ]


@pytest.mark.parametrize("value", ["²", "①", "١٢"])
def test_odd_digits_in_report_and_list_urls_are_not_server_errors(client, auth, world, value):
    auth.login("canbo")
    for url in _report_urls(world):
        response = client.get(f"{url}?nam={value}")
        assert response.status_code == 200, url
        assert "không hợp lệ" in response.get_data(as_text=True), url
    posted = client.post(f"/bao-cao/xa/{world.commune.token}/cai-dat/chi-tieu?nam={value}")
    assert posted.status_code == 400  # never saves targets into a year other than the one shown
    page = client.get(f"/thon/{world.thon1.token}/?trang={value}")
    assert page.status_code == 200 and world.hh1.ma_ho in page.get_data(as_text=True)


def test_a_superscript_in_a_code_does_not_break_sorting(client, auth, world):
    """'²' passes isdigit() but not int(): the list's natural sort of mã hộ must not fail."""
    builders.make_household(world.thon1, "HK-1²")
    db.session.commit()
    auth.login("tnv1")
    assert client.get(f"/thon/{world.thon1.token}/").status_code == 200
