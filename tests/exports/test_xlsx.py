"""The workbook reads back as a signed report appendix: heading, titles, bold bordered frozen
headers printed on every page, A4 landscape fitted to width, numbers as numbers, signatures."""

from datetime import date

from aggregation import compute
from aggregation.documents.summary import HEADERS
from survey_app.extensions import db
from survey_app.reports.services import save_manual_result
from tests.exports.support import (
    SET,
    YEAR,
    header_index,
    label_line,
    list_entries,
    load,
    sheet_rows,
)

ISSUED = date(2024, 1, 15)


def _check_print_settings(sheet, header_row: int) -> None:
    setup = sheet.page_setup
    assert (setup.orientation, str(setup.paperSize)) == ("landscape", "9")
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == f"${header_row}:${header_row}"
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.oddFooter.center.text == "Trang &P/&N"


def _check_heading_and_signatures(rows) -> None:
    texts = [cell for row in rows for cell in row if isinstance(cell, str)]
    assert rows[0][0] == "UBND XÃ HOÀNG KIM"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in rows[0]
    assert "Độc lập - Tự do - Hạnh phúc" in rows[1]
    assert "Hoàng Kim, ngày ..... tháng ..... năm 2024" in rows[2]
    for text in ("Người lập biểu", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"):
        assert text in texts[-4:], text


def test_list_sheet_layout(ex_world, export_bytes):
    data, _ = export_bytes(ex_world, "xlsx", codes=("3.4", "3.12"), issued_on=ISSUED)
    book = load(data)
    assert book.sheetnames == ["Tổng hợp", "PL 3.4", "PL 3.12"]
    sheet = book["PL 3.4"]
    rows = sheet_rows(sheet)
    head = header_index(rows)
    _check_heading_and_signatures(rows)
    titles = [row[0] for row in rows[4:head] if row[0]]
    assert titles == [
        "PHỤ LỤC 3.4",
        "DANH SÁCH MINH CHỨNG CHỈ TIÊU 3.4",
        "Tỷ lệ dân số trưởng thành có điện thoại thông minh",
        "Xã Hoàng Kim, tỉnh Thanh Hóa — Số liệu đến ngày 31/12/2023",
    ]
    assert rows[head] == (
        "STT", "Họ và tên", "Năm sinh", "Giới tính", "Thôn", "Chủ hộ / Địa chỉ",
        "Điện thoại thông minh",
    )  # fmt: skip
    _check_print_settings(sheet, head + 1)
    header_cell = sheet.cell(head + 1, 2)
    assert header_cell.font.b and header_cell.border.left.style == "thin"
    entry = list_entries(sheet)[0]
    assert isinstance(entry[0], int) and isinstance(entry[2], int)  # STT, năm sinh
    assert entry[6] == "Có"
    first = head + 3  # after the header row and the "Thôn 1 (...)" row
    body = sheet.cell(first, 6)
    assert body.alignment.wrap_text and body.border.bottom.style == "thin"
    assert sheet.column_dimensions["F"].width >= 40
    assert rows[head + 1][0].startswith("Thôn 1 (")
    households = list_entries(book["PL 3.12"])
    assert households and all(row[1].startswith(("EX-", "HK-")) for row in households)


def test_summary_sheet_in_phu_luc_01_layout(ex_world, export_bytes):
    entry = {"result_text": "3/3 trường", "evaluation": "dat", "evidence_note": "Báo cáo số 12"}
    save_manual_result(None, ex_world.commune, SET, "3.7", YEAR, entry)
    db.session.commit()
    report = compute(db.session, ex_world.commune, SET, YEAR)
    data, _ = export_bytes(ex_world, "xlsx", issued_on=ISSUED)
    sheet = load(data)["Tổng hợp"]
    rows = sheet_rows(sheet)
    head = header_index(rows)
    _check_heading_and_signatures(rows)
    assert "PHỤ LỤC 01" in [row[0] for row in rows[:head]]
    assert "CHI TIẾT TỰ ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN TIÊU CHÍ CHUYỂN ĐỔI SỐ" in [r[0] for r in rows]
    assert rows[head] == HEADERS
    _check_print_settings(sheet, head + 1)
    # the four groups of QĐ 1829 in the order the commune files them, each row under its group
    table = [row for row in rows[head + 1 :] if row[0] and row[1]][:41]
    groups = [row[:2] for row in table if "." not in row[0]]
    assert groups == [("1", "Chính quyền số"), ("2", "Kinh tế số"), ("3", "Xã hội số"),
                      ("4", "Hạ tầng số")]  # fmt: skip
    codes = [row[0] for row in table if "." in row[0]]
    assert codes == [f"1.{n}" for n in range(1, 12)] + [f"2.{n}" for n in range(1, 7)] + [
        f"3.{n}" for n in range(1, 13)
    ] + [f"4.{n}" for n in range(1, 9)]
    group3 = next(row for row in table if row[0] == "3")
    in_group3 = [item for item in report.indicators if item.code.startswith("3.")]
    passed = sum(1 for item in in_group3 if item.passed)
    assert group3[4] == f"{passed}/12 chỉ tiêu đạt"
    by_code = {row[0]: row for row in table}
    for item in report.indicators:
        row = by_code[item.code]
        assert row[1] == item.indicator.name and (row[3] or "") == item.target_display
        assert row[4] == item.display and (row[5] or "") == item.evaluation
    assert by_code["3.4"][6] == "Phụ lục 3.4" and by_code["3.4"][2] == "%"
    assert by_code["3.7"][4:7] == ("3/3 trường", "Đạt", "Báo cáo số 12")
    assert by_code["3.8"][4] == "Chưa nhập" and by_code["3.8"][5] is None


def test_total_line_has_the_dashboard_figure(ex_world, export_bytes):
    report = compute(db.session, ex_world.commune, SET, YEAR)
    data, _ = export_bytes(ex_world, "xlsx", codes=("3.9",))
    sheet = load(data)["PL 3.9"]
    total = label_line(sheet, "Tổng cộng")
    assert total[3] == report.indicator("3.9").display
    assert "A" in str(sheet.merged_cells) and total[1] is None  # the label spans columns
