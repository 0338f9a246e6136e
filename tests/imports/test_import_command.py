"""`flask import-households`: places created, all or nothing, re-import by Mã hộ, CSV = XLSX."""

from datetime import date, datetime

from sqlalchemy import func, select

from household_forms import rules
from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.places.models import Commune, Province, Village
from tests.builders import World
from tests.imports.support import (
    ROWS,
    csv_bytes,
    full_dump,
    natural_dump,
    table,
    write,
    xlsx_bytes,
)
from tests.support.database import empty_tables


def run(runner, path, province="Thanh Hóa", commune="Hoàng Kim"):
    db.session.commit()  # end the test's own transaction so it sees what the command writes
    args = ["import-households", str(path), "--province", province, "--commune", commune]
    result = runner.invoke(args=args)
    db.session.rollback()
    return result


def household(ma_ho) -> Household:
    return db.session.scalars(select(Household).where(Household.ma_ho == ma_ho)).one()


def test_creates_province_commune_villages_and_households(runner, tmp_path):
    result = run(runner, write(tmp_path, "ho.csv", csv_bytes()))
    assert result.exit_code == 0, result.output
    assert "Hộ: 3 mới, 0 cập nhật, 0 không đổi." in result.stdout
    assert "Nhân khẩu: 5 mới" in result.stdout
    commune = db.session.scalars(select(Commune)).one()
    assert (commune.name, commune.province.name) == ("Hoàng Kim", "Thanh Hóa")
    assert sorted(v.name for v in commune.villages) == ["Thôn 1", "Thôn 2", "Thôn Mới"]
    hung = household("HK-101")
    assert (hung.village.name, hung.chu_ho, hung.so_dien_thoai) == (
        "Thôn 1",
        "Nguyễn Văn Hùng",
        "0912345678",
    )
    assert (hung.cap_quang, hung.dia_chi_so, hung.ho_kinh_doanh) == (True, None, False)
    assert (hung.consent_given, hung.surveyed_by_id, hung.surveyed_at, hung.version) == (
        False,
        None,
        None,
        1,
    )
    assert [m.ho_ten for m in hung.members] == ["Nguyễn Văn Hùng", "Lê Thị Mai", "Nguyễn Thị Lan"]
    mai = hung.members[1]
    assert (mai.birth_date, mai.birth_year_only, mai.gioi_tinh) == (date(1970, 7, 1), True, "nu")
    assert (mai.cu_tru, mai.vneid, mai.dt_thong_minh, mai.tk_thanh_toan) == (
        "tam_vang",
        "chua_kich_hoat",
        False,
        None,
    )
    assert household("HK-103").chu_ho == "Phạm Thị Hoa"  # blank Chủ hộ: the only member
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "import")).one()
    assert entry.user_id is None and entry.object_key == commune.token
    assert entry.details["file"] == "ho.csv" and entry.details["people_created"] == 5


def test_file_with_three_bad_cells_imports_nothing_and_reports_all_three(runner, tmp_path, world):
    rows = [dict(r) for r in ROWS]
    rows[0]["Ngày sinh"] = "31/02/1968"
    rows[2]["Giới tính"] = "Khác"
    rows[4]["Điện thoại thông minh"] = "có lẽ"
    before = full_dump()
    result = run(runner, write(tmp_path, "ho.csv", csv_bytes(rows)))
    assert result.exit_code == 1
    assert full_dump() == before
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines == [
        "Lỗi: tệp có 3 ô không hợp lệ; chưa nhập dữ liệu nào.",
        "Dòng 2, cột 'Ngày sinh', giá trị '31/02/1968': "
        + rules.BIRTH_MESSAGES["impossible"].format(text="31/02/1968"),
        "Dòng 4, cột 'Giới tính', giá trị 'Khác': Chỉ nhận Nam hoặc Nữ",
        "Dòng 6, cột 'Điện thoại thông minh', giá trị 'có lẽ': "
        "Chỉ nhận Có/Không (C, X, 1 / K, 0); để trống nếu chưa hỏi",
    ]


def test_bad_file_into_a_new_commune_creates_no_place(runner, tmp_path):
    rows = [ROWS[0] | {"Giới tính": "?"}]
    result = run(runner, write(tmp_path, "ho.csv", csv_bytes(rows)), commune="Xã Mới")
    assert result.exit_code == 1
    assert db.session.scalar(select(func.count(Province.id))) == 0


def test_unreadable_file_fails_cleanly(runner, tmp_path):
    result = run(runner, write(tmp_path, "ho.xlsx", b"not a workbook"))
    assert result.exit_code == 1
    assert "Lỗi: Không đọc được tệp Excel" in result.stderr


def test_importing_the_same_file_twice_changes_nothing(runner, tmp_path, world):
    path = write(tmp_path, "ho.csv", csv_bytes())
    assert run(runner, path).exit_code == 0
    before = full_dump()
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert "Hộ: 0 mới, 0 cập nhật, 3 không đổi." in result.stdout
    after = full_dump()
    audit_before, audit_after = before.pop("audit_log"), after.pop("audit_log")
    # one more line in the list of past imports (with nothing to undo)
    imports_before, imports_after = before.pop("data_operation"), after.pop("data_operation")
    assert after == before
    assert audit_after[:-1] == audit_before and len(audit_after) == len(audit_before) + 1
    assert imports_after[:-1] == imports_before and len(imports_after) == len(imports_before) + 1
    last = db.session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(1)).one()
    assert last.action == "import" and last.details["households_unchanged"] == 3
    assert last.details["people_unchanged"] == 5


def excel_native(lines):
    """The same data as Excel would hold it: real dates, years and phone numbers as numbers."""
    header, *rows = lines
    converted = [header]
    for row in rows:
        row = list(row)
        birth = row[6]
        row[6] = int(birth) if len(birth) == 4 else datetime.strptime(birth, "%d/%m/%Y")
        row[4] = int(row[4]) if row[4] else None
        converted.append([None if cell == "" else cell for cell in row])
    return converted


def test_same_data_as_xlsx_gives_the_same_database_as_csv(runner, tmp_path, world):
    assert run(runner, write(tmp_path, "ho.csv", csv_bytes())).exit_code == 0
    from_csv = natural_dump()
    empty_tables()
    World.create()
    for name, lines in (("text.xlsx", table()), ("native.xlsx", excel_native(table()))):
        result = run(runner, write(tmp_path, name, xlsx_bytes(lines)))
        assert result.exit_code == 0, result.output
        assert natural_dump() == from_csv, name
        empty_tables()
        World.create()


def test_reimport_updates_by_ma_ho_and_matches_members(runner, tmp_path, world):
    assert run(runner, write(tmp_path, "ho.csv", csv_bytes())).exit_code == 0
    hung = household("HK-101")
    ids = {m.ho_ten: (m.id, m.token) for m in hung.members}
    rows = [dict(r) for r in ROWS]
    rows[0] = rows[0] | {"Thôn": "Thôn 2", "Điện thoại thông minh": "", "Chữ ký số": "Có"}
    rows[1] = rows[1] | {"Thôn": "Thôn 2", "Ngày sinh": "04/05/1970", "Họ và tên": "Le Thi Mai"}
    rows[2] = {
        **rows[1],
        "Họ và tên": "Nguyễn Văn Bé",
        "Ngày sinh": "2024",
        "Giới tính": "Nam",
        "Quan hệ với chủ hộ": "Con",
        "Tình trạng cư trú": "",
    }
    result = run(runner, write(tmp_path, "ho2.csv", csv_bytes(rows)))
    assert result.exit_code == 0, result.output
    assert "Hộ: 0 mới, 1 cập nhật, 2 không đổi." in result.stdout
    assert "Nhân khẩu: 1 mới, 2 cập nhật, 2 không đổi, 1 có trong hệ thống" in result.stdout
    hung = household("HK-101")
    assert (hung.village.name, hung.version) == ("Thôn 2", 2)
    assert household("HK-102").version == 1
    names = [m.ho_ten for m in hung.members]
    assert names == ["Nguyễn Văn Hùng", "Le Thi Mai", "Nguyễn Văn Bé", "Nguyễn Thị Lan"]
    head, mai, baby, lan = hung.members
    assert (head.id, head.token) == ids["Nguyễn Văn Hùng"]
    assert head.dt_thong_minh is True and head.chu_ky_so is True  # blank keeps, filled replaces
    assert (mai.id, mai.birth_date, mai.birth_year_only) == (
        ids["Lê Thị Mai"][0],
        date(1970, 5, 4),
        False,
    )
    assert (baby.birth_year_only, baby.cu_tru) == (True, "co_mat")
    assert lan.id == ids["Nguyễn Thị Lan"][0]  # not in the file: kept, placed last
    assert db.session.scalar(select(func.count(Household.id))) == 6  # 3 of the world + 3


def test_existing_household_keeps_survey_and_consent(runner, tmp_path, world):
    hh1 = world.hh1
    hh1.consent_given, hh1.surveyed_by_id, hh1.surveyed_at = (
        True,
        world.vol1.id,
        datetime(2025, 1, 2),
    )
    db.session.commit()
    row = {
        "Thôn": "Thôn 1",
        "Mã hộ": "HK-001",
        "Họ và tên": "LÊ VĂN BÌNH",
        "Ngày sinh": "02/01/1970",
        "Giới tính": "Nam",
        "Kỹ năng số": "Có",
    }
    other = row | {"Mã hộ": "TS-001", "Họ và tên": "Phạm Văn Dũng", "Ngày sinh": "04/05/1980"}
    assert run(runner, write(tmp_path, "ho.csv", csv_bytes([row, other]))).exit_code == 0
    hh1 = household("HK-001")
    assert (hh1.consent_given, hh1.surveyed_by_id, hh1.version) == (True, world.vol1.id, 2)
    assert [(m.ho_ten, m.ky_nang_so) for m in hh1.members] == [("LÊ VĂN BÌNH", True)]
    ts = db.session.scalars(select(Household).where(Household.ma_ho == "TS-001")).all()
    assert sorted(h.commune.name for h in ts) == ["Hoàng Kim", "Thúy Sơn"]  # Mã hộ is per commune


def test_closed_village_is_a_bad_cell(runner, tmp_path, world):
    world.thon2.active = False
    db.session.commit()
    before = full_dump()
    result = run(runner, write(tmp_path, "ho.csv", csv_bytes()))
    assert result.exit_code == 1
    assert "Dòng 5, cột 'Thôn', giá trị 'Thôn 2': Thôn này đã ngừng hoạt động" in result.stderr
    assert full_dump() == before


def test_large_file_shows_a_progress_bar(runner, tmp_path):
    rows = [ROWS[0] | {"Mã hộ": f"P-{i}", "Họ và tên": f"Người {i}"} for i in range(600)]
    result = run(runner, write(tmp_path, "ho.csv", csv_bytes(rows)))
    assert result.exit_code == 0, result.output
    assert "Kiểm tra dữ liệu" in result.stderr and "Ghi vào cơ sở dữ liệu" in result.stderr
    assert db.session.scalar(select(func.count(Person.id))) == 600
    assert db.session.scalar(select(func.count(Village.id))) == 1
