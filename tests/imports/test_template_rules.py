"""Column rules of the import template: header matching and reading each kind of cell."""

from datetime import date, datetime

import pytest

from household_forms.import_template import (
    COLUMNS,
    HEADER_KEYS,
    CellProblem,
    column_for_header,
    match_headers,
    parse_birth,
    parse_cu_tru,
    parse_gioi_tinh,
    parse_phone,
    parse_vneid,
    parse_yesno,
    word_key,
)

TODAY = date(2025, 6, 15)


def test_every_header_and_key_is_distinct():
    assert len(HEADER_KEYS) == len(COLUMNS) * 2 - sum(
        word_key(c.header) == word_key(c.key) for c in COLUMNS
    )
    assert len({c.key for c in COLUMNS}) == 25


@pytest.mark.parametrize(
    "header, key",
    [
        ("Mã hộ", "ma_ho"),
        ("  MÃ HỘ ", "ma_ho"),
        ("ma ho", "ma_ho"),
        ("Ma_Ho", "ma_ho"),
        ("ma_ho", "ma_ho"),
        ("Mã hộ [ma_ho]", "ma_ho"),
        ("Địa chỉ", "dia_chi"),
        ("DIA CHI SO", "dia_chi_so"),
        ("Dia chi so", "dia_chi_so"),
        ("Điện thoại thông minh", "dt_thong_minh"),
        ("dt_thong_minh", "dt_thong_minh"),
        ("Họ và tên", "ho_ten"),
        ("ho va ten", "ho_ten"),
        ("ho_ten", "ho_ten"),
        ("Hồ sơ sức khỏe điện tử", "ho_so_suc_khoe"),
        ("Hồ sơ sức khoẻ điện tử", "ho_so_suc_khoe"),  # the other accent placement
        ("vneid", "vneid"),
        ("VNEID", "vneid"),
        ("Tình trạng cư trú", "cu_tru"),
        ("Đ", None),
        ("Ghi chú", None),
    ],
)
def test_header_matching_ignores_case_spaces_and_diacritics(header, key):
    assert column_for_header(header) == key


def test_header_matching_in_decomposed_unicode():
    import unicodedata

    assert column_for_header(unicodedata.normalize("NFD", "Giới tính")) == "gioi_tinh"


def test_match_headers_reports_unknown_duplicate_and_missing():
    match = match_headers(["Thôn", "ma_ho", "Mã hộ", "Ghi chú", "", "Giới tính"], row=3)
    assert match.positions == {"thon": 0, "ma_ho": 1, "gioi_tinh": 5}
    assert match.unknown == ["Ghi chú"]
    problems = {(e.row, e.column, e.reason) for e in match.errors}
    assert problems == {
        (3, "Mã hộ", "Cột bị lặp lại"),
        (3, "Họ và tên", "Thiếu cột bắt buộc"),
        (3, "Ngày sinh", "Thiếu cột bắt buộc"),
    }


@pytest.mark.parametrize(
    "raw", ["Có", "có", "C", "x", "X", "1", 1, 1.0, "Yes", "TRUE", True, " co "]
)
def test_yes_words(raw):
    assert parse_yesno(raw) is True


@pytest.mark.parametrize("raw", ["Không", "khong", "K", "0", 0, "No", "false", False])
def test_no_words(raw):
    assert parse_yesno(raw) is False


@pytest.mark.parametrize("raw", ["Có thể", "2", "?", "chưa"])
def test_other_yes_no_words_are_bad(raw):
    with pytest.raises(CellProblem, match="Chỉ nhận Có/Không"):
        parse_yesno(raw)


@pytest.mark.parametrize(
    "raw, value",
    [
        ("Không", "khong"),
        ("không có", "khong"),
        ("Chưa kích hoạt", "chua_kich_hoat"),
        ("chua kich hoat", "chua_kich_hoat"),
        ("Mức 1", "muc_1"),
        ("muc_2", "muc_2"),
        ("MỨC 2", "muc_2"),
        ("Mức độ 2", "muc_2"),
    ],
)
def test_vneid_words(raw, value):
    assert parse_vneid(raw) == value


def test_bad_vneid():
    with pytest.raises(CellProblem, match="Mức 1 / Mức 2"):
        parse_vneid("Mức 3")


@pytest.mark.parametrize(
    "raw, value",
    [
        ("Có mặt", "co_mat"),
        ("tạm vắng", "tam_vang"),
        ("Đã chuyển đi", "da_chuyen_di"),
        ("Chuyển đi", "da_chuyen_di"),
        ("đã mất", "da_mat"),
        ("da mat", "da_mat"),
    ],
)
def test_cu_tru_words(raw, value):
    assert parse_cu_tru(raw) == value


@pytest.mark.parametrize("raw, value", [("Nam", "nam"), ("Nữ", "nu"), ("NU", "nu"), ("nữ", "nu")])
def test_gioi_tinh_words(raw, value):
    assert parse_gioi_tinh(raw) == value


@pytest.mark.parametrize("raw", ["M", "Khác", "Nữa"])
def test_bad_gioi_tinh(raw):
    with pytest.raises(CellProblem, match="Nam hoặc Nữ"):
        parse_gioi_tinh(raw)


@pytest.mark.parametrize(
    "raw, value",
    [
        ("12/03/1958", (date(1958, 3, 12), False)),
        ("1/7/2001", (date(2001, 7, 1), False)),
        ("1958", (date(1958, 7, 1), True)),
        (1958, (date(1958, 7, 1), True)),
        (1958.0, (date(1958, 7, 1), True)),
        (datetime(1990, 2, 3), (date(1990, 2, 3), False)),
        (date(1990, 2, 3), (date(1990, 2, 3), False)),
        ("1990-02-03", (date(1990, 2, 3), False)),
        ("2025", (date(2025, 7, 1), True)),  # born this year, year only: still 1 July
    ],
)
def test_birth(raw, value):
    assert parse_birth(raw, TODAY) == value


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("31/02/1990", "Không có ngày 31/02/1990"),
        ("13/13/1990", "Không có ngày 13/13/1990"),
        ("1899", "từ 1900"),
        ("2026", "Năm sinh 2026 chưa tới"),
        ("16/06/2025", "Ngày sinh 16/06/2025 chưa tới"),
        ("03-1990", "Nhập năm sinh"),
        ("năm 1990", "Nhập năm sinh"),
    ],
)
def test_bad_birth(raw, reason):
    with pytest.raises(CellProblem, match=reason):
        parse_birth(raw, TODAY)


@pytest.mark.parametrize(
    "raw, value",
    [
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        (912345678, "0912345678"),
        ("+84912345678", "+84912345678"),
        ("02373 123 456", "02373123456"),
    ],
)
def test_phone(raw, value):
    assert parse_phone(raw) == value


@pytest.mark.parametrize("raw", ["0912abc", "123", "09123456789012345"])
def test_bad_phone(raw):
    with pytest.raises(CellProblem, match="chữ số"):
        parse_phone(raw)
