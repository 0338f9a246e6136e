"""The village notice board: public while the commune has it on, 404 when off; no names,
addresses, phone numbers or counts; its Zalo card decodes to its address."""

import io
from datetime import date

import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.households.models import Household, Person
from tests import builders


def _village_of_eight(world):
    """Thôn 1 with eight households: enough people for each figure to be shown."""
    for n in range(8):
        household = builders.make_household(
            world.thon1, f"BT-{n}", f"Hoàng Văn Chủ{n}", dia_chi=f"Xóm Bến {n}",
            so_dien_thoai=f"09120000{n:02d}", dien_khong_tien_mat=n % 2 == 0,
        )  # fmt: skip
        builders.make_person(household, f"Hoàng Văn Chủ{n}", date(1980, 1, 1),
                             dt_thong_minh=n < 6, tk_thanh_toan=True)  # fmt: skip
    db.session.commit()


def _switch(client, world, on: bool):
    return client.post(
        f"/quan-ly/thon/{world.thon1.token}/bang-tin", data={"bat": "1" if on else "0"}
    )


def _personal_words(world) -> set[str]:
    """Every name, address, phone number and mã hộ of the village, as stored."""
    words = set()
    households = db.session.scalars(select(Household).where(Household.village_id == world.thon1.id))
    for household in households:
        words |= {household.chu_ho, household.ma_ho, household.dia_chi}
        words |= {household.so_dien_thoai or ""}
        for person in db.session.scalars(select(Person).where(Person.household_id == household.id)):
            words.add(person.ho_ten)
    return {w for w in words if w}


def test_the_board_is_public_while_on_and_names_nobody(client, auth, world):
    _village_of_eight(world)
    assert client.get("/bang-tin/khong-co").status_code == 404
    auth.login("canbo")
    assert _switch(client, world, True).status_code == 302
    db.session.expire_all()
    token = world.thon1.board_token
    assert token and token != world.thon1.token  # its own token, not the village's
    auth.logout()
    page = client.get(f"/bang-tin/{token}")
    assert page.status_code == 200  # no sign-in needed
    text = page.get_data(as_text=True)
    assert "Thôn 1, xã Hoàng Kim" in text and "75%" in text  # 6/8 with a smartphone
    assert "Đạt" in text
    found = [word for word in _personal_words(world) if word in text]
    assert found == [], found
    assert "6/8" not in text  # no counts, only percentages

    card = client.get(f"/bang-tin/{token}/the-zalo.png")
    assert card.status_code == 200 and card.mimetype == "image/png"
    image = Image.open(io.BytesIO(card.data))
    assert image.size == (1080, 1350)
    [code] = zxingcpp.read_barcodes(image)
    assert code.text.endswith(f"/bang-tin/{token}")

    poster = client.get(f"/bang-tin/{token}/ap-phich.pdf")
    assert poster.status_code == 200 and poster.mimetype == "application/pdf"
    words = "\\n".join(p.extract_text() for p in PdfReader(io.BytesIO(poster.data)).pages)
    assert "BẢNG TIN CHUYỂN ĐỔI SỐ" in words
    assert [w for w in _personal_words(world) if w in words] == []

    auth.login("canbo")
    _switch(client, world, False)
    auth.logout()
    for url in (f"/bang-tin/{token}", f"/bang-tin/{token}/the-zalo.png",
                f"/bang-tin/{token}/ap-phich.pdf"):  # fmt: skip
        assert client.get(url).status_code == 404


def test_a_small_group_is_not_shown(client, auth, world):
    """Thôn 1 of the World has one household: no percentage may point at its people."""
    auth.login("canbo")
    _switch(client, world, True)
    db.session.expire_all()
    text = client.get(f"/bang-tin/{world.thon1.board_token}").get_data(as_text=True)
    assert (
        "Chưa đủ số liệu để công bố" in text
        and "%" not in text.split("<main", 1)[1].split("chỉ tiêu", 1)[0]
    )


def test_only_the_communes_staff_switch_it(client, auth, world):
    for username in ("truongthon1", "tnv1"):
        auth.login(username)
        assert _switch(client, world, True).status_code == 403
        auth.logout()
    auth.login("canbo2")
    assert _switch(client, world, True).status_code == 404
    db.session.expire_all()
    assert world.thon1.board_public is False
