"""The pages: "Đã hỗ trợ" for a member, the village's figures (checked against the database on
both engines), and training classes with their attendee picker."""

import re
from datetime import date, datetime

from sqlalchemy import func, select, text

from survey_app.assistance import services
from survey_app.assistance.models import HELP_KINDS, ClassAttendance, HelpRecord, TrainingClass
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from tests import builders


def _login(client, username):
    client.post("/dang-xuat")
    client.post("/dang-nhap", data={"username": username, "password": builders.PASSWORD})


def test_help_page_records_and_lists_earlier_help(client, world):
    person = world.hh1.members[0]
    url = f"/ho/{world.hh1.token}/ho-tro/{person.token}"
    _login(client, "tnv1")
    page = client.get(url).get_data(as_text=True)
    assert f"Đã hỗ trợ {person.ho_ten}" in page and "Chưa ghi lần hỗ trợ nào" in page
    for label in HELP_KINDS.values():
        assert label in page
    response = client.post(url, data={"kinds": ["cai_vneid", "khac"], "note": "Đã lên mức 2"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/ho/{world.hh1.token}")
    flashed = client.get(url).get_data(as_text=True)
    assert "Nhớ sửa câu trả lời (VNeID)" in flashed
    assert flashed.count("Đã lên mức 2") == 2 and "Cài đặt, kích hoạt VNeID" in flashed
    rows = db.session.execute(select(HelpRecord.kind, HelpRecord.helped_by_id)).all()
    assert sorted(rows) == [("cai_vneid", world.vol1.id), ("khac", world.vol1.id)]

    assert client.post(url, data={"note": "x"}).status_code == 422  # nothing ticked
    assert "Hãy chọn ít nhất một việc" in client.post(url, data={}).get_data(as_text=True)


def test_help_page_needs_the_person_of_that_household(client, world):
    _login(client, "tnv1")
    other = world.hh2.members[0]  # a person of another household (and village)
    assert client.get(f"/ho/{world.hh1.token}/ho-tro/{other.token}").status_code == 404
    _login(client, "tnv2")
    assert (
        client.get(f"/ho/{world.hh1.token}/ho-tro/{world.hh1.members[0].token}").status_code == 404
    )


def _make_help(world):
    """Help by three people over two months in Thôn 1, plus noise in Thôn 2."""
    from datetime import date as d

    extra = [builders.make_person(world.hh1, f"Lê Thị {i}", d(1980 + i, 1, 1)) for i in range(3)]
    hh = builders.make_household(world.thon1, "HK-009", "Đỗ Văn Năm")
    extra.append(builders.make_person(hh, "Đỗ Văn Năm", d(1960, 1, 1)))
    people = [world.hh1.members[0], *extra]
    plan = [
        (world.vol1, 0, ["cai_vneid", "mo_tai_khoan"], datetime(2026, 2, 27, 18, 0)),  # 1/3 VN
        (world.vol1, 1, ["cai_vneid"], datetime(2026, 3, 2, 9, 0)),
        (world.vol1, 1, ["dvc"], datetime(2026, 3, 9, 9, 0)),
        (world.head1, 2, ["chu_ky_so", "khac"], datetime(2026, 3, 10, 9, 0)),
        (world.officer, 4, ["ho_so_suc_khoe"], datetime(2026, 2, 3, 9, 0)),
        (world.vol2, 0, ["cai_ptt"], datetime(2026, 3, 3, 9, 0)),
    ]
    for user, index, kinds, at in plan:
        for record in services.record_help(user, people[index], kinds):
            record.helped_at = at
    for record in services.record_help(world.vol2, world.hh2.members[0], ["cai_vneid", "dvc"]):
        record.helped_at = datetime(2026, 3, 3, 9, 0)
    db.session.commit()


def _page_figures(html: str) -> dict:
    """{helper id or 'all': (total, people, {kind: n})} read from the page."""
    figures = {}
    blocks = re.split(r'<section class="card', html)[1:]
    for block in blocks:
        block = block.split("</section>")[0]
        key = re.search(r'data-helper="(\d*)"', block)
        key = "all" if key is None else int(key.group(1) or 0)
        total = int(re.search(r'data-total="(\d+)"', block).group(1))
        people = int(re.search(r'data-people="(\d+)"', block).group(1))
        kinds = {
            k: int(n)
            for k, n in re.findall(r'data-kind="(\w+)"><span>[^<]*</span> <strong>(\d+)', block)
        }
        figures[key] = (total, people, kinds)
    return figures


def _db_figures(village_id: int, start=None, end=None) -> dict:
    """The same figures straight from the tables, with plain SQL."""
    where = "h.village_id = :v"
    params = {"v": village_id}
    if start is not None:
        where += " AND r.helped_at >= :s AND r.helped_at < :e"
        params.update(s=start, e=end)
    base = f"FROM help_record r JOIN household h ON h.id = r.household_id WHERE {where}"
    figures = {}
    for helper, total, people in db.session.execute(
        text(
            "SELECT r.helped_by_id, COUNT(*), COUNT(DISTINCT r.person_id) "
            f"{base} GROUP BY r.helped_by_id"
        ),
        params,
    ):
        figures[helper] = [total, people, {}]
    for helper, kind, n in db.session.execute(
        text(f"SELECT r.helped_by_id, r.kind, COUNT(*) {base} GROUP BY r.helped_by_id, r.kind"),
        params,
    ):
        figures[helper][2][kind] = n
    total, people = db.session.execute(
        text(f"SELECT COUNT(*), COUNT(DISTINCT r.person_id) {base}"), params
    ).one()
    kinds = dict(
        db.session.execute(text(f"SELECT r.kind, COUNT(*) {base} GROUP BY r.kind"), params).all()
    )
    figures["all"] = [total, people, kinds]
    return {k: tuple(v) for k, v in figures.items()}


def test_village_figures_match_the_database(client, world):
    _make_help(world)
    _login(client, "truongthon1")
    html = client.get(f"/thon/{world.thon1.token}/ho-tro").get_data(as_text=True)
    got = _page_figures(html)
    want = _db_figures(world.thon1.id)
    assert got == want
    assert got["all"][0] == 8  # the fixture's own count: Thôn 2's help is not in it
    assert got[world.vol1.id] == (4, 2, {"cai_vneid": 2, "mo_tai_khoan": 1, "dvc": 1})
    assert "Tháng 3/2026" in html and "Tháng 2/2026" in html
    assert "Đỗ Văn Năm" not in html.split("Ghi gần đây")[0]  # names only in the latest list

    # March in Vietnam time: the 27/02 18:00 UTC record is 28/02 01:00 there, still February.
    html = client.get(f"/thon/{world.thon1.token}/ho-tro?thang=2026-03").get_data(as_text=True)
    start, end = services.month_range("2026-03")
    assert start == datetime(2026, 2, 28, 17, 0)
    got = _page_figures(html)
    assert got == _db_figures(world.thon1.id, start, end)
    assert got["all"][0] == 5
    assert client.get(f"/thon/{world.thon1.token}/ho-tro?thang=13-2026").status_code == 200


def test_village_figures_are_hidden_from_other_villages(client, world):
    _make_help(world)
    _login(client, "tnv2")
    assert client.get(f"/thon/{world.thon1.token}/ho-tro").status_code == 404
    _login(client, "canbo2")
    assert client.get(f"/thon/{world.thon1.token}/ho-tro").status_code == 404


def test_create_class_with_a_typed_date(client, world):
    _login(client, "tnv1")
    url = f"/thon/{world.thon1.token}/lop-tap-huan/them"
    bad = client.post(url, data={"held_on": "2026-03-05", "place": "Nhà văn hóa", "topic": "VNeID"})
    assert bad.status_code == 422
    assert "ví dụ 05/03/2026" in bad.get_data(as_text=True)
    assert (
        client.post(url, data={"held_on": "31/02/2026", "place": "A", "topic": "B"}).status_code
        == 422
    )
    ok = client.post(url, data={"held_on": "5/3/2026", "place": "Nhà văn hóa", "topic": "VNeID"})
    assert ok.status_code == 302
    klass = db.session.scalar(select(TrainingClass))
    assert (klass.held_on, klass.village_id, klass.created_by_id) == (
        date(2026, 3, 5),
        world.thon1.id,
        world.vol1.id,
    )
    assert ok.headers["Location"].endswith(f"/lop/{klass.token}/chon-nguoi")
    listing = client.get(f"/thon/{world.thon1.token}/lop-tap-huan").get_data(as_text=True)
    assert "05/03/2026 · Nhà văn hóa" in listing and 'data-attendees="0"' in listing


def test_pick_attendees_search_without_accents_and_save_many(client, world):
    people = [
        builders.make_person(world.hh1, "Nguyễn Thị Hường", date(1980, 1, 1), gioi_tinh="nu"),
        builders.make_person(world.hh1, "Đặng Văn Ổn", date(1975, 1, 1)),
        builders.make_person(world.hh1, "Lê Văn Đi Xa", date(1975, 1, 1), cu_tru="da_chuyen_di"),
    ]
    klass = services.create_class(world.vol1, world.thon1, date(2026, 3, 5), "Nhà văn hóa", "Ví")
    db.session.commit()
    _login(client, "truongthon1")
    url = f"/lop/{klass.token}/chon-nguoi"
    page = client.get(url).get_data(as_text=True)
    assert "Nguyễn Thị Hường" in page and "Đặng Văn Ổn" in page
    assert "Lê Văn Đi Xa" not in page  # moved away: not a candidate
    assert "Trần Thị Cúc" not in page  # Thôn 2
    found = client.get(url + "?q=dang on").get_data(as_text=True)
    assert "Đặng Văn Ổn" in found and "Nguyễn Thị Hường" not in found
    assert 'data-find="dang van on hk-001 le van binh"' in found

    response = client.post(url, data={"nguoi": [people[0].token, people[1].token]})
    assert response.status_code == 302
    assert "Đã thêm 2 người vào lớp" in client.get(f"/lop/{klass.token}").get_data(as_text=True)
    stored = db.session.execute(
        select(Person.ho_ten, Person.ky_nang_so, ClassAttendance.added_by_id).join(
            ClassAttendance, ClassAttendance.person_id == Person.id
        )
    ).all()
    assert sorted(stored) == [
        ("Nguyễn Thị Hường", True, world.head1.id),
        ("Đặng Văn Ổn", True, world.head1.id),
    ]
    assert "đã có trong lớp" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={}).status_code == 422
    intruder = client.post(url, data={"nguoi": [world.hh2.members[0].token]})
    assert intruder.status_code == 422 and "không thuộc thôn này" in intruder.get_data(as_text=True)

    # Removing keeps the answer, and says so.
    gone = client.post(f"/lop/{klass.token}/bo-nguoi", data={"nguoi": people[1].token})
    assert gone.status_code == 302
    page = client.get(f"/lop/{klass.token}").get_data(as_text=True)
    assert "vẫn giữ nguyên" in page and 'id="n-attendees">1<' in page
    db.session.refresh(people[1])
    assert people[1].ky_nang_so is True


def test_class_pages_are_hidden_from_other_villages(client, world):
    klass = services.create_class(world.vol1, world.thon1, date(2026, 3, 5), "Nhà văn hóa", "Ví")
    db.session.commit()
    _login(client, "tnv2")
    assert client.get(f"/lop/{klass.token}").status_code == 404
    assert client.post(f"/lop/{klass.token}/chon-nguoi", data={"nguoi": ["x"]}).status_code == 404
    count = db.session.scalar(select(func.count()).select_from(Household))
    assert count == 3
