"""Server errors the fuzzers found, now fixed: each test says what the app must do instead.

They stood as strict xfails while the fixes were elsewhere; tests/fuzz/known.py lists any open
one the fuzzers should count apart (none now).
"""

import io

import pytest
from sqlalchemy import select

from household_forms import rules
from survey_app.extensions import db
from survey_app.places.models import Village
from tests.fuzz.strategies import half_written_workbook


@pytest.mark.parametrize("digit", ["²", "¹²³"])
def test_a_year_of_superscript_digits_is_a_message(client, auth, world, digit):
    """str.isdigit() accepts '²'; int() does not."""
    auth.login("truongthon1")
    response = client.get(f"/bao-cao/thon/{world.thon1.token}?nam={digit}")
    assert response.status_code in (200, 422)


def test_a_page_number_of_superscript_digits_is_page_one(client, auth, world):
    auth.login("tnv1")
    assert client.get(f"/thon/{world.thon1.token}/?trang=²").status_code == 200


def test_a_broken_workbook_is_refused_with_a_message(client, auth, world):
    auth.login("canbo")
    data = {"file": (io.BytesIO(half_written_workbook()), "ho.xlsx"), "consent": "y"}
    response = client.post("/quan-ly/nhap-du-lieu/", data=data, follow_redirects=True)
    assert response.status_code == 200 and "Không nhập được tệp" in response.text
    assert "Excel" in response.text


@pytest.mark.parametrize("control", ["\x00", "\x07"])
def test_control_characters_are_not_stored_by_a_form(client, auth, world, control):
    """PostgreSQL refuses NUL (a 500); SQLite stores either, invisible on every list."""
    auth.login("canbo")
    response = client.post("/quan-ly/thon", data={"name": f"Thôn{control} Mới"})
    assert response.status_code == 200 and rules.CONTROL in response.text  # the form, again
    assert not any(control in name for name in db.session.scalars(select(Village.name)))
