"""The household's "Lịch sử thay đổi": every source of change shows, in words; officers restore."""

import re

from sqlalchemy import select

from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.history.models import household_version, person_version
from survey_app.households.models import Household
from survey_app.places.services import merge_village
from tests.households.test_views import form_payload
from tests.imports.support import ROWS, csv_bytes, write


def page(client, household) -> str:
    response = client.get(f"/ho/{household.token}/lich-su")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def edit(client, household, **fields):
    data = form_payload(version=household.version, ma_ho=household.ma_ho, **fields)
    data |= {"chu_ho": household.chu_ho, "m-0-ho_ten": household.members[0].ho_ten}
    data["m-0-token"] = household.members[0].token
    response = client.post(f"/ho/{household.token}", data=data)
    assert response.status_code == 302, response.text
    db.session.expire_all()


def sources(household) -> list[str]:
    rows = db.session.execute(
        select(household_version.c.source)
        .where(household_version.c.household_id == household.id)
        .order_by(household_version.c.version_id)
    )
    return [r.source for r in rows]


def test_a_page_edit_shows_who_what_and_old_to_new(client, auth, world):
    auth.login("tnv1")
    edit(client, world.hh1, cap_quang="0")
    text = page(client, world.hh1)
    assert "Trang web" in text and world.vol1.display_name in text
    assert "Internet cáp quang: <del>Chưa hỏi</del> → <ins>Không</ins>" in text
    assert "Khôi phục" not in text  # volunteers see, officers restore


def test_an_officer_restores_an_old_value_as_a_new_version(client, auth, world):
    auth.login("tnv1")
    edit(client, world.hh1, cap_quang="1")
    edit(client, world.hh1, cap_quang="0")
    auth.logout()
    auth.login("canbo")
    text = page(client, world.hh1)
    assert "Khôi phục “Có”" in text
    version_id = db.session.scalars(
        select(household_version.c.version_id).where(
            household_version.c.household_id == world.hh1.id, household_version.c.cap_quang
        )
    ).one()
    version = world.hh1.version
    response = client.post(
        f"/ho/{world.hh1.token}/lich-su/khoi-phuc",
        data={"kind": "household", "version_id": version_id, "field": "cap_quang"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert world.hh1.cap_quang is True and world.hh1.version == version + 1
    assert sources(world.hh1)[-1] == "restore"
    assert "Khôi phục giá trị cũ" in page(client, world.hh1)
    [row] = db.session.scalars(select(AuditLog).where(AuditLog.action == "restore_value")).all()
    assert row.details["field"] == "cap_quang" and row.user_id == world.officer.id


def test_a_volunteer_cannot_restore(client, auth, world):
    auth.login("tnv1")
    edit(client, world.hh1, cap_quang="1")
    response = client.post(
        f"/ho/{world.hh1.token}/lich-su/khoi-phuc",
        data={"kind": "household", "version_id": 1, "field": "cap_quang"},
    )
    assert response.status_code == 403


def test_restore_refuses_another_households_value_and_identity_fields(client, auth, world):
    auth.login("canbo")
    other = db.session.scalars(
        select(household_version.c.version_id).where(
            household_version.c.household_id == world.hh2.id
        )
    ).first()
    url = f"/ho/{world.hh1.token}/lich-su/khoi-phuc"
    before = sources(world.hh1)
    for data in (
        {"kind": "household", "version_id": other, "field": "cap_quang"},
        {"kind": "household", "version_id": other, "field": "commune_id"},
        {"kind": "nobody", "version_id": other, "field": "cap_quang"},
    ):
        assert client.post(url, data=data, follow_redirects=True).status_code == 200
    assert sources(world.hh1) == before


def test_every_source_is_recorded(client, auth, world, runner, tmp_path):
    # import (bulk insert), then re-import (bulk update)
    args = ["import-households", "--province", "Thanh Hóa", "--commune", "Hoàng Kim"]
    db.session.commit()
    assert runner.invoke(args=[*args, str(write(tmp_path, "a.csv", csv_bytes()))]).exit_code == 0
    changed = [ROWS[0] | {"Chữ ký số": "Có"}, *ROWS[1:]]
    assert (
        runner.invoke(args=[*args, str(write(tmp_path, "b.csv", csv_bytes(changed)))]).exit_code
        == 0
    )
    db.session.rollback()
    imported = db.session.scalars(select(Household).where(Household.ma_ho == "HK-101")).one()
    assert sources(imported)[:2] == ["import", "import"]
    person_sources = db.session.scalars(
        select(person_version.c.source).where(person_version.c.household_id == imported.id)
    ).all()
    assert set(person_sources) == {"import"} and len(person_sources) > len(imported.members)
    # page
    auth.login("tnv1")
    edit(client, world.hh1, cap_quang="1")
    assert sources(world.hh1)[-1] == "page"
    # merge
    merge_village(world.officer, world.thon2, world.thon1)
    db.session.commit()
    assert sources(world.hh2)[-1] == "merge"
    moved = (
        db.session.execute(
            select(household_version.c.village_id).where(
                household_version.c.household_id == world.hh2.id
            )
        )
        .scalars()
        .all()
    )
    assert moved[-2:] == [world.thon2.id, world.thon1.id]
