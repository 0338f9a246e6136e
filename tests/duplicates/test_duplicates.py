"""Likely duplicate people: found, merged field by field (counts drop by one), undone; or
marked "không trùng". Removing and restoring a household or a person."""

import json
from datetime import date

from sqlalchemy import select

from survey_app.audit import AuditLog
from survey_app.duplicates.services import likely_duplicates
from survey_app.extensions import db
from survey_app.history.models import person_version
from survey_app.households.models import Household, Person
from survey_app.operations.models import Operation
from tests.builders import make_household, make_person
from tests.support.database import RECORDED_SINCE, data_true_since

ARGS = ["indicators", "--commune", "Hoàng Kim", "--criteria", "thanh-hoa-1829", "--year", "2025",
        "--format", "json"]  # fmt: skip


def _twins(world):
    """ "Nguyễn Văn An" in HK-010 and "Nguyen van  An" in HK-011, both born in 1980."""
    first = make_household(world.thon1, "HK-010", "Nguyễn Văn An")
    second = make_household(world.thon2, "HK-011", "Trần Thị Hà")
    a = make_person(first, "Nguyễn Văn An", date(1980, 5, 4), dt_thong_minh=True, vneid="muc_2")
    b = make_person(second, "Nguyen van  An", date(1980, 7, 1), birth_year_only=True,
                    dt_thong_minh=False, tk_thanh_toan=True)  # fmt: skip
    make_person(second, "Trần Thị Hà", date(1985, 2, 2), gioi_tinh="nu")
    db.session.commit()
    data_true_since(RECORDED_SINCE)
    return a, b


def _people_counted(runner) -> dict[str, tuple]:
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    return {
        i["code"]: (i["numerator"], i["denominator"])
        for i in json.loads(result.stdout)["indicators"]
    }


def test_known_duplicates_are_found_merged_and_the_merge_undone(client, auth, world, runner):
    a, b = _twins(world)
    [pair] = likely_duplicates(world.commune)
    assert {pair.first.id, pair.second.id} == {a.id, b.id} and not pair.same_household
    before = _people_counted(runner)
    auth.login("canbo")
    listing = client.get("/quan-ly/nguoi-trung/").get_data(as_text=True)
    assert "Nguyen van  An" in listing or "Nguyen van An" in listing
    compare = client.get(f"/quan-ly/nguoi-trung/{a.token}/{b.token}/").get_data(as_text=True)
    assert "Điện thoại thông minh" in compare and "Tài khoản thanh toán" in compare
    # keep An of HK-010, but take the payment account answer from the other record
    form = {"giu": "first", "chon-tk_thanh_toan": "second", "chon-dt_thong_minh": "first"}
    assert (
        client.post(f"/quan-ly/nguoi-trung/{a.token}/{b.token}/gop", data=form).status_code == 302
    )
    db.session.expire_all()
    kept, gone = db.session.get(Person, a.id), db.session.get(Person, b.id)
    assert kept.tk_thanh_toan is True and kept.dt_thong_minh is True and kept.removed_at is None
    assert (
        gone.removed_at is not None and "Trùng với Nguyễn Văn An (hộ HK-010)" == gone.removed_reason
    )
    after = _people_counted(runner)
    population = [code for code in before if before[code][1] and after[code][1] != before[code][1]]
    assert population and all(after[c][1] == before[c][1] - 1 for c in population)
    assert likely_duplicates(world.commune) == []
    # both histories kept: each person has its versions, the removed one's included
    for person in (a, b):
        versions = db.session.scalars(
            select(person_version.c.version_id).where(person_version.c.person_id == person.id)
        ).all()
        assert len(versions) == 2
    # undo: both back as they were, counts as before
    operation = db.session.scalars(select(Operation)).one()
    assert client.post(f"/quan-ly/thao-tac/{operation.token}/hoan-tac").status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, b.id).removed_at is None
    assert db.session.get(Person, a.id).tk_thanh_toan is None
    assert _people_counted(runner) == before
    assert len(likely_duplicates(world.commune)) == 1


def test_marked_not_duplicate_is_not_suggested_again(client, auth, world):
    a, b = _twins(world)
    auth.login("canbo")
    url = f"/quan-ly/nguoi-trung/{a.token}/{b.token}/khong-trung"
    assert client.post(url).status_code == 302
    assert likely_duplicates(world.commune) == []
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "not_duplicate")).one()


def test_another_commune_cannot_see_or_merge_the_pair(client, auth, world):
    a, b = _twins(world)
    auth.login("canbo2")
    assert client.get(f"/quan-ly/nguoi-trung/{a.token}/{b.token}/").status_code == 404
    assert client.post(f"/quan-ly/nguoi-trung/{a.token}/{b.token}/gop").status_code == 404
    auth.logout()
    auth.login("tnv1")
    assert client.get("/quan-ly/nguoi-trung/").status_code == 403


def test_removing_a_household_takes_it_out_of_counts_lists_and_phones_and_restore_brings_it_back(
    client, auth, world, runner
):
    _twins(world)
    before = _people_counted(runner)
    household = db.session.scalar(select(Household).where(Household.ma_ho == "HK-011"))
    auth.login("canbo")
    url = f"/ho/{household.token}/xoa"
    refused = client.post(url, data={"reason": "  "})
    assert refused.status_code == 302
    db.session.expire_all()
    assert household.removed_at is None
    assert client.post(url, data={"reason": "Hộ mẫu nhập nhầm"}).status_code == 302
    db.session.expire_all()
    assert household.removed_at is not None and household.removed_reason == "Hộ mẫu nhập nhầm"
    assert all(p.removed_at == household.removed_at for p in household.all_members)
    after = _people_counted(runner)
    assert any(after[c][1] == before[c][1] - 2 for c in before)  # both members left the counts
    village_page = client.get(f"/thon/{world.thon2.token}/").get_data(as_text=True)
    assert household.token not in village_page and "0/1</strong> hộ" in village_page
    assert client.get(f"/ho/{household.token}").status_code == 404
    history = client.get(f"/ho/{household.token}/lich-su").get_data(as_text=True)
    assert "Hộ đã bị xóa" in history and "Hộ mẫu nhập nhầm" in history
    auth.logout()
    auth.login("tnv2")
    assert client.get(f"/ho/{household.token}/lich-su").status_code == 404
    auth.logout()
    auth.login("canbo")
    assert client.post(f"/ho/{household.token}/khoi-phuc-ho").status_code == 302
    db.session.expire_all()
    assert household.removed_at is None and len(household.members) == 2
    assert _people_counted(runner) == before


def test_removing_one_person_keeps_them_out_of_the_household_form(client, auth, world, runner):
    a, _b = _twins(world)
    auth.login("canbo")
    household = a.household
    client.post(f"/ho/{household.token}/nguoi/{a.token}/xoa", data={"reason": "Nhập trùng"})
    db.session.expire_all()
    assert a.removed_at is not None and household.members == []
    page = client.get(f"/ho/{household.token}").get_data(as_text=True)
    assert a.token not in page
    client.post(f"/ho/{household.token}/nguoi/{a.token}/khoi-phuc")
    db.session.expire_all()
    assert a.removed_at is None and household.members == [a]


def test_commune_backup_download_is_audited_and_holds_only_that_commune(client, auth, wipe, world):
    import io
    import zipfile

    auth.login("canbo")
    page = client.get("/quan-ly/sao-luu/")
    assert page.status_code == 200 and "Tải tệp sao lưu" in page.get_data(as_text=True)
    response = client.post("/quan-ly/sao-luu/")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        households = archive.read("tables/household.jsonl").decode().splitlines()
        users = [
            json.loads(line) for line in archive.read("tables/user.jsonl").decode().splitlines()
        ]
    assert manifest["tables"]["household"]["rows"] == 2 == len(households)
    assert all("TS-001" not in line for line in households)
    columns = manifest["tables"]["user"]["columns"]
    assert {u[columns.index("password_hash")] for u in users} == {""}
    assert manifest["tables"]["audit_log"]["rows"] == 0
    [entry] = db.session.scalars(select(AuditLog).where(AuditLog.action == "backup_download")).all()
    assert entry.user_id == world.officer.id and entry.details["households"] == 2
    auth.logout()
    auth.login("tnv1")
    assert client.get("/quan-ly/sao-luu/").status_code == 403


def test_re_importing_the_register_does_not_bring_back_a_merged_person(client, auth, world):
    from survey_app.imports import services as imports
    from tests.imports.support import csv_bytes

    a, b = _twins(world)
    auth.login("canbo")
    client.post(f"/quan-ly/nguoi-trung/{a.token}/{b.token}/gop", data={"giu": "first"})
    db.session.expire_all()
    rows = [
        {"Thôn": "Thôn 2", "Mã hộ": "HK-011", "Họ và tên": "Trần Thị Hà",
         "Ngày sinh": "02/02/1985", "Giới tính": "Nữ"},
        {"Thôn": "Thôn 2", "Mã hộ": "HK-011", "Họ và tên": "Nguyen van  An",
         "Ngày sinh": "1980", "Giới tính": "Nam", "Điện thoại thông minh": "Có"},
    ]  # fmt: skip
    outcome = imports.import_file(
        None, world.commune, "ho.csv", csv_bytes(rows), date(2026, 1, 1), consent_by="x"
    )
    assert outcome.summary.people_created == 0 and outcome.summary.people_not_in_file == 0
    db.session.commit()
    people = db.session.scalars(select(Person).where(Person.household_id == b.household_id)).all()
    assert len(people) == 2
    assert db.session.get(Person, b.id).removed_at is not None  # matched, and still removed
    assert likely_duplicates(world.commune) == []
