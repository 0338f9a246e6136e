"""The dashboards and the "Cần hỗ trợ" list show exactly what the criteria engine computes."""

from datetime import date, timedelta

import pytest

from aggregation import compute, evidence_statement
from survey_app.extensions import db
from survey_app.reports.pages import vn_today
from survey_app.timeutil import utcnow
from tests import builders
from tests.reports.data import YEAR, cards, populate, table_rows, text_of
from tests.support.database import RECORDED_SINCE, data_true_since

SET = "thanh-hoa-1829"
# Page behaviour that does not depend on the database engine runs on SQLite only (keeps the suite
# fast); everything that shows counted numbers runs on both engines.
sqlite_only = pytest.mark.parametrize("db_engine", ["sqlite"])


@pytest.fixture
def data(world):
    populate(world, surveyed_by=world.vol1)
    return world


def village_url(world, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/bao-cao/thon/{world.thon1.token}" + (f"?{query}" if query else "")


def test_village_dashboard_shows_the_engine_numbers(client, auth, data):
    auth.login("truongthon1")
    response = client.get(village_url(data, nam=YEAR))
    assert response.status_code == 200
    report = compute(db.session, data.commune, SET, YEAR).to_json()
    shown = cards(response)
    data_items = [i for i in report["indicators"] if i["kind"] == "household_data"]
    assert sorted(shown) == sorted(i["code"] for i in data_items)
    for item in data_items:
        row = next(v for v in item["villages"] if v["village"] == "Thôn 1")
        text = shown[item["code"]]
        assert row["display"] in text
        assert f"Chỉ tiêu: ≥ {item['target']:g}%" in text
        assert ("Không đạt" in text) == (row["passed"] is False)
        assert ("✓ Đạt" in text) == (row["passed"] is True)
        if row["unknown"]:
            assert f"Chưa hỏi: {row['unknown']}" in text
    assert "3/8 = 37,5%" in shown["3.9"]
    page = text_of(response)
    assert "Đã khảo sát 2/4 hộ" in page
    assert "Nhân khẩu được tính: 8" in page


def test_commune_dashboard_matches_the_json(client, auth, data):
    auth.login("canbo")
    response = client.get(f"/bao-cao/xa/{data.commune.token}?nam={YEAR}")
    assert response.status_code == 200
    report = compute(db.session, data.commune, SET, YEAR).to_json()
    summary = {row[0]: " ".join(row) for row in table_rows(response, "summary-table")[1:]}
    for item in report["indicators"]:
        assert item["display"] in summary[item["code"]]
    matrix = {row[0]: row for row in table_rows(response, "matrix")}
    data_items = [i for i in report["indicators"] if i["kind"] == "household_data"]
    assert [cell.split()[0] for cell in matrix["Thôn"][2:]] == [i["code"] for i in data_items]
    for name in ("Thôn 1", "Thôn 2"):
        for item, cell in zip(data_items, matrix[name][2:], strict=True):
            row = next(v for v in item["villages"] if v["village"] == name)
            expected = row["display"].replace(" = ", " ") if row["denominator"] else row["display"]
            assert _cell_figures(cell) == expected, (name, item["code"], cell)
    for item, cell in zip(data_items, matrix["Toàn xã"][2:], strict=True):
        assert _cell_figures(cell) == item["display"].replace(" = ", " ")
    assert matrix["Thôn 1"][1] == "2/4" and matrix["Toàn xã"][1] == "2/5"


def _cell_figures(cell: str) -> str:
    """'37,5% ✗ Không đạt 3/8' → '3/8 37,5%' (the order of the JSON's display)."""
    if cell == "Chưa có dữ liệu":
        return cell
    words = cell.split()
    return f"{words[-1]} {words[0]}"


def test_volunteer_progress_counts_per_day(client, auth, data):
    old = builders.make_household(data.thon2, "HK-900", "Hộ cũ")
    old.surveyed_by_id, old.surveyed_at = data.vol2.id, utcnow() - timedelta(days=20)
    db.session.commit()
    auth.login("canbo")
    response = client.get(f"/bao-cao/xa/{data.commune.token}")
    rows = {row[0].split()[0]: row for row in table_rows(response, "progress-table")}
    header = rows["Người"]
    assert header[1] == "Tổng" and header[2] == vn_today().strftime("%d/%m")
    assert len(header) == 2 + 14
    assert rows["tnv1"][1] == "2"  # today and three days ago; HK-900 is outside the 14 days
    assert rows["tnv2"][1] == "0" and rows["truongthon1"][1] == "0"
    assert sorted(int(n) for n in rows["tnv1"][2:]) == [0] * 12 + [1, 1]


def test_support_list_is_the_complement_with_statuses(client, auth, data):
    auth.login("tnv1")
    response = client.get(f"/bao-cao/thon/{data.thon1.token}/can-ho-tro/{SET}/3.9?nam={YEAR}")
    assert response.status_code == 200
    expected = db.session.scalars(
        evidence_statement(
            db.session, data.commune, SET, "3.9", YEAR, village_id=data.thon1.id, which="complement"
        )  # fmt: skip
    ).all()
    rows = [r for r in table_rows(response, "support")[1:] if len(r) == 7]  # + tick, notes
    for row, person in zip(rows, expected, strict=True):
        sex = "Nam" if person.gioi_tinh == "nam" else "Nữ"
        assert row[1] == f"{person.ho_ten} {person.birth_date.year} · {sex}"
        assert row[2:4] == [str(person.birth_date.year), sex]
    status = {row[1].rsplit(" ", 3)[0]: row[4] for row in rows}
    assert status["Đỗ Thị Lan"] == "Chưa kích hoạt" and status["Lê Thị Mai"] == "Chưa có"
    assert status["Vũ Thị Hạnh"] == "Chưa hỏi" and status["Lê Văn Bình"] == "Chưa hỏi"
    body = response.get_data(as_text=True)
    for person in expected:
        # The household opens with the way back to this list (after "Lưu" too).
        assert f'href="/ho/{person.household.token}?ve=/bao-cao/' in body
    assert "5 người chưa đạt" in text_of(response) and "3 chưa hỏi" in text_of(response)


def test_support_list_searches_and_pages_a_big_village(client, auth, data, monkeypatch):
    from survey_app.reports import views

    auth.login("tnv1")
    url = f"/bao-cao/thon/{data.thon1.token}/can-ho-tro/{SET}/3.9?nam={YEAR}"
    found = text_of(client.get(url + "&q=lan"))  # no diacritics, any case
    assert "Đỗ Thị Lan" in found and "Lê Thị Mai" not in found
    monkeypatch.setattr(views, "SUPPORT_PAGE", 2)
    first, second = text_of(client.get(url)), text_of(client.get(url + "&trang=2"))
    assert "Trang 1/" in first and "Trang 2/" in second and "Cả danh sách để in" in first
    everything = table_rows(client.get(url + "&tat_ca=1"), "support")
    assert len([r for r in everything[1:] if len(r) == 7]) == 5  # the whole list, to print
    numbers = [r[0] for r in table_rows(client.get(url + "&trang=2"), "support")[1:] if len(r) == 7]
    assert numbers and numbers[0] != "1"  # numbered over the whole list


@sqlite_only
def test_support_list_of_a_household_indicator_and_bad_codes(client, auth, data):
    auth.login("truongthon1")
    base = f"/bao-cao/thon/{data.thon1.token}/can-ho-tro"
    response = client.get(f"{base}/{SET}/3.12?nam={YEAR}")
    names = [r[1] for r in table_rows(response, "support")[1:]]
    assert len(names) == 4  # no household of Thôn 1 pays electricity without cash yet
    assert any(name.startswith("Nguyễn Văn Hùng") for name in names)
    for path in (f"{SET}/3.7", f"{SET}/9.9", "khong-co/3.9"):  # manual, unknown code, unknown set
        assert client.get(f"{base}/{path}").status_code == 404, path


@sqlite_only
def test_bad_picker_values_fall_back_with_a_message(client, auth, data):
    auth.login("truongthon1")
    response = client.get(village_url(data, nam="abc", ngay="2025-02-30", bo="khong-co"))
    assert response.status_code == 200
    page = text_of(response)
    assert "Năm “abc” không hợp lệ" in page
    assert "Ngày chốt “2025-02-30” không hợp lệ" in page
    assert "Không có bộ tiêu chí “khong-co”" in page
    this_year = vn_today().year
    report = compute(db.session, data.commune, SET, this_year)
    assert report.indicator("3.9").village(data.thon1.id).display in cards(response)["3.9"]
    assert f"Năm {this_year} · số liệu đến 31/12/{this_year}" in page


def test_as_of_date_moves_ages(client, auth, data):
    teen = builders.make_household(data.thon1, "HK-020", "Hộ có con 14 tuổi")
    builders.make_person(teen, "Cháu Mười Bốn", date(2011, 9, 1), vneid="muc_1")
    db.session.commit()
    data_true_since(RECORDED_SINCE)
    auth.login("truongthon1")
    mid = client.get(village_url(data, nam=YEAR, ngay="2025-06-30"))
    end = client.get(village_url(data, nam=YEAR))
    assert "3/8 = 37,5%" in cards(mid)["3.9"]  # not 14 yet on 30/6/2025
    assert "4/9 = 44,44%" in cards(end)["3.9"]
    assert "số liệu đến 30/06/2025" in text_of(mid)
    support = client.get(
        f"/bao-cao/thon/{data.thon1.token}/can-ho-tro/{SET}/3.9?nam={YEAR}&ngay=30/06/2025"
    )
    assert "3/8 = 37,5%" in text_of(support)


@sqlite_only
def test_home_sends_each_role_to_its_page(client, auth, data):
    for username, target in [
        ("canbo", f"/bao-cao/xa/{data.commune.token}"),
        ("truongthon1", f"/bao-cao/thon/{data.thon1.token}"),
        ("tnv2", f"/bao-cao/thon/{data.thon2.token}"),
        ("admin", "/bao-cao/xa/"),
    ]:
        auth.login(username)
        assert client.get("/bao-cao/").location == target, username
        auth.logout()
    auth.login("admin")
    page = text_of(client.get("/bao-cao/xa/"))
    assert "Hoàng Kim" in page and "Thúy Sơn" in page
    auth.logout()
    builders.make_user("tnv9", "volunteer", data.commune)
    db.session.commit()
    auth.login("tnv9")
    response = client.get("/bao-cao/", follow_redirects=True)
    assert "Bạn chưa được giao thôn nào" in text_of(response)


def test_priority_list_puts_the_households_needing_most_first(client, auth, data):
    auth.login("tnv1")
    url = f"/bao-cao/thon/{data.thon1.token}/uu-tien/{SET}?nam={YEAR}"
    response = client.get(url)
    assert response.status_code == 200
    rows = [r for r in table_rows(response, "priority")[1:] if len(r) == 5]
    totals = [int(r[2]) for r in rows]
    assert rows and totals == sorted(totals, reverse=True)
    # each total is what the "Cần hỗ trợ" lists of the set hold for that household, together
    assert all(total > 0 for total in totals)
    assert "Hộ cần đến trước" in text_of(client.get(f"/bao-cao/thon/{data.thon1.token}?nam={YEAR}"))
    auth.logout()
    auth.login("tnv2")  # not their village
    assert client.get(url).status_code == 404
