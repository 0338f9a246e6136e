"""Reading whole files: CSV and XLSX, grouping by Mã hộ, and every bad cell reported."""

from datetime import date, datetime

import pytest

from household_forms import rules
from survey_app.imports.parsing import ImportFileError, parse_file
from tests.imports.support import HEADERS, ROWS, csv_bytes, table, xlsx_bytes

TODAY = date(2025, 6, 15)


def cells(errors):
    return [(e.row, e.column, e.value, e.reason) for e in errors]


def test_good_csv_groups_rows_by_household():
    parsed = parse_file("ho.csv", csv_bytes(), TODAY)
    assert parsed.errors == [] and parsed.warnings == []
    assert list(parsed.households) == ["HK-101", "HK-102", "HK-103"]
    first = parsed.households["HK-101"]
    assert (first.row, first.village, len(first.members)) == (2, "Thôn 1", 3)
    assert first.values["so_dien_thoai"] == "0912345678"
    assert first.values["cap_quang"] is True and "dia_chi_so" not in first.values  # blank: absent
    wife = first.members[1].values
    assert wife["birth_date"] == date(1970, 7, 1) and wife["birth_year_only"] is True
    assert wife["cu_tru"] == "tam_vang" and wife["vneid"] == "chua_kich_hoat"
    assert parsed.households["HK-103"].default_chu_ho == "Phạm Thị Hoa"


def test_semicolon_csv_without_bom_and_keys_as_headers():
    keys = ["thon", "ma_ho", "ho_ten", "ngay_sinh", "gioi_tinh"]
    rows = [dict(zip(keys, ["Thôn 1", "A1", "Lê Văn Tám", "1950", "Nam"], strict=True))]
    parsed = parse_file("ho.csv", csv_bytes(rows, keys, delimiter=";", bom=False), TODAY)
    assert parsed.errors == [] and parsed.people == 1


def test_not_utf8_csv_is_refused():
    with pytest.raises(ImportFileError, match="UTF-8"):
        parse_file("ho.csv", "Thôn,Giới tính\n".encode("latin-1", "replace"), TODAY)


def test_other_file_types_are_refused():
    with pytest.raises(ImportFileError, match=r"\.csv hoặc \.xlsx"):
        parse_file("ho.xls", b"whatever", TODAY)
    with pytest.raises(ImportFileError, match="Excel"):
        parse_file("ho.xlsx", b"not a zip", TODAY)


def test_header_only_file_is_refused():
    with pytest.raises(ImportFileError, match="không có dòng dữ liệu"):
        parse_file("ho.csv", csv_bytes([]), TODAY)


def test_three_bad_cells_are_all_reported_with_row_column_value_reason():
    rows = [dict(r) for r in ROWS]
    rows[0]["Ngày sinh"] = "31/02/1968"
    rows[2]["VNeID"] = "Mức 3"
    rows[3]["Internet cáp quang"] = "có lẽ"
    parsed = parse_file("ho.csv", csv_bytes(rows), TODAY)
    assert cells(parsed.errors) == [
        (
            2,
            "Ngày sinh",
            "31/02/1968",
            rules.BIRTH_MESSAGES["impossible"].format(text="31/02/1968"),
        ),
        (4, "VNeID", "Mức 3", "Chỉ nhận Không / Chưa kích hoạt / Mức 1 / Mức 2"),
        (
            5,
            "Internet cáp quang",
            "có lẽ",
            "Chỉ nhận Có/Không (C, X, 1 / K, 0); để trống nếu chưa hỏi",
        ),
    ]


def test_each_kind_of_bad_cell():
    rows = [
        {"Thôn": "Thôn 1", "Mã hộ": "A1", "Họ và tên": "", "Ngày sinh": "1990", "Giới tính": "Nam"},
        {
            "Thôn": "Thôn 1",
            "Mã hộ": "A2",
            "Họ và tên": "B",
            "Ngày sinh": "2030",
            "Giới tính": "M",
            "Số điện thoại": "09xx",
            "Tình trạng cư trú": "ở nhà",
            "Quan hệ với chủ hộ": "x" * 41,
        },
        {"Thôn": "", "Mã hộ": "", "Họ và tên": "C", "Ngày sinh": "", "Giới tính": ""},
    ]
    parsed = parse_file("ho.csv", csv_bytes(rows), TODAY)
    reasons = {(e.row, e.column): e.reason for e in parsed.errors}
    assert reasons == {
        (2, "Họ và tên"): "Bắt buộc, không được để trống",
        (3, "Số điện thoại"): rules.PHONE_MESSAGE,
        (3, "Ngày sinh"): rules.BIRTH_MESSAGES["future_year"].format(
            year=2030, this_year=TODAY.year
        ),
        (3, "Giới tính"): "Chỉ nhận Nam hoặc Nữ",
        (3, "Quan hệ với chủ hộ"): rules.TOO_LONG.format(max=40, length=41),
        (3, "Tình trạng cư trú"): "Chỉ nhận Có mặt / Tạm vắng / Đã chuyển đi / Đã mất",
        (4, "Thôn"): "Bắt buộc, không được để trống",
        (4, "Mã hộ"): "Bắt buộc, không được để trống",
        (4, "Ngày sinh"): "Bắt buộc, không được để trống",
        (4, "Giới tính"): "Bắt buộc, không được để trống",
    }


def test_later_rows_of_a_household_may_repeat_or_blank_but_not_differ():
    base = {"Mã hộ": "A1", "Ngày sinh": "1990", "Giới tính": "Nam"}
    rows = [
        base
        | {"Thôn": "Thôn 1", "Họ và tên": "An", "Internet cáp quang": "Có", "Địa chỉ": "Xóm 1"},
        base | {"Thôn": "thôn  1", "Họ và tên": "Ba", "Internet cáp quang": "x"},  # same values
        base | {"Thôn": "Thôn 2", "Họ và tên": "Ca", "Internet cáp quang": "Không"},
        base | {"Thôn": "Thôn 1", "Họ và tên": "Da", "Hộ kinh doanh": "Có"},  # first row blank
    ]
    parsed = parse_file("ho.csv", csv_bytes(rows), TODAY)
    assert cells(parsed.errors) == [
        (4, "Thôn", "Thôn 2", "Khác với dòng 2 của cùng hộ (Thôn 1)"),
        (4, "Internet cáp quang", "Không", "Khác với dòng 2 của cùng hộ (Có)"),
        (5, "Hộ kinh doanh", "Có", "Khác với dòng 2 của cùng hộ (trống)"),
    ]


def test_same_person_twice_in_a_household_is_a_bad_cell():
    person = {"Thôn": "Thôn 1", "Mã hộ": "A1", "Ngày sinh": "1990", "Giới tính": "Nam"}
    rows = [person | {"Họ và tên": "Lê Văn An"}, person | {"Họ và tên": "le van  an"}]
    parsed = parse_file("ho.csv", csv_bytes(rows), TODAY)
    assert cells(parsed.errors) == [
        (3, "Họ và tên", "le van an", "Trùng người ở dòng 2 (cùng hộ, họ tên, ngày sinh)")
    ]


def test_missing_required_column_is_named_and_unknown_column_warned():
    headers = [h for h in HEADERS if h != "Giới tính"] + ["Ghi chú"]
    parsed = parse_file("ho.csv", csv_bytes(ROWS, headers), TODAY)
    assert cells(parsed.errors) == [(1, "Giới tính", "", "Thiếu cột bắt buộc")]
    assert parsed.warnings == ["Bỏ qua cột không nhận ra: 'Ghi chú'"]


def test_xlsx_with_title_rows_native_types_and_blank_lines():
    lines = [["DANH SÁCH HỘ GIA ĐÌNH XÃ HOÀNG KIM"], [], table()[0]]
    lines += table()[1:3] + [[], [None] * 5]
    lines.append(
        [
            "Thôn 2",
            105,
            None,
            None,
            912345678,
            "Đỗ Văn Nam",
            datetime(1980, 1, 2),
            "Nam",
            None,
            None,
            1,
            0,
            True,
        ]
    )
    parsed = parse_file("ho.xlsx", xlsx_bytes(lines), TODAY)
    assert parsed.errors == []
    assert list(parsed.households) == ["HK-101", "105"]
    numbered = parsed.households["105"]
    assert numbered.row == 8 and numbered.values["so_dien_thoai"] == "0912345678"
    member = numbered.members[0].values
    assert (member["birth_date"], member["birth_year_only"]) == (date(1980, 1, 2), False)
    assert member["dt_thong_minh"] is True and member["ptt_an_toan"] is False
    assert member["tk_thanh_toan"] is True


def test_xlsx_errors_use_sheet_row_numbers():
    lines = [["Tiêu đề"], table()[0], table()[1], [None], table()[2]]
    lines[4][6] = "32/01/1970"
    parsed = parse_file("ho.xlsx", xlsx_bytes(lines), TODAY)
    assert cells(parsed.errors) == [
        (5, "Ngày sinh", "32/01/1970", rules.BIRTH_MESSAGES["impossible"].format(text="32/01/1970"))
    ]
