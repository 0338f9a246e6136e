"""The downloadable XLSX import template: exact headers, a sample household, dropdown lists."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from household_forms.import_template import COLUMNS, HOUSEHOLD
from survey_app.imports.parsing import ERRORS_HEADER

VALIDATED_ROWS = 5000  # dropdowns (and text cells) cover this many data rows
TEXT_KEYS = ("ma_ho", "so_dien_thoai", "ngay_sinh")
# Widths (characters) that fit what is typed: names and addresses wide, answers narrow.
WIDTHS = {
    "thon": 16, "ma_ho": 11, "chu_ho": 24, "dia_chi": 28, "so_dien_thoai": 14,
    "ho_ten": 26, "ngay_sinh": 12, "gioi_tinh": 9, "quan_he": 14, "cu_tru": 14, "vneid": 16,
}  # fmt: skip
SAMPLE = (
    {
        "thon": "Thôn 1",
        "ma_ho": "VD-001",
        "chu_ho": "Nguyễn Văn An",
        "dia_chi": "Xóm Đông",
        "so_dien_thoai": "0912345678",
        "ho_ten": "Nguyễn Văn An",
        "ngay_sinh": "12/03/1968",
        "gioi_tinh": "Nam",
        "quan_he": "Chủ hộ",
        "cu_tru": "Có mặt",
        "vneid": "Mức 2",
        "cap_quang": "Có",
        "dien_khong_tien_mat": "Có",
        "dia_chi_so": "Không",
        "ho_kinh_doanh": "Không",
        "dt_thong_minh": "Có",
        "ptt_an_toan": "Có",
        "tk_thanh_toan": "Có",
        "chu_ky_so": "Không",
        "ky_nang_so": "Có",
        "dvc_truc_tuyen": "Có",
        "ho_so_suc_khoe": "Có",
        "kham_tu_xa": "Không",
    },
    {
        "thon": "Thôn 1",
        "ma_ho": "VD-001",
        "ho_ten": "Lê Thị Bình",
        "ngay_sinh": "1970",
        "gioi_tinh": "Nữ",
        "quan_he": "Vợ",
        "cu_tru": "Tạm vắng",
        "vneid": "Chưa kích hoạt",
        "dt_thong_minh": "Có",
        "tk_thanh_toan": "Không",
    },
)
NOTES = (
    "Mỗi dòng là một nhân khẩu; các cột của hộ (Thôn, Mã hộ, Chủ hộ, Địa chỉ, Số điện thoại, "
    "các câu hỏi của hộ) ghi ở dòng đầu tiên của hộ, các dòng sau lặp lại hoặc để trống.",
    "Bắt buộc: Thôn, Mã hộ, Họ và tên, Ngày sinh, Giới tính.",
    "Ngày sinh: dd/mm/yyyy, hoặc chỉ năm sinh yyyy (khi đó tính là ngày 1/7 của năm đó).",
    "Có/Không: Có, C, X, 1 là có; Không, K, 0 là không; để trống là chưa hỏi.",
    "Tình trạng cư trú để trống là Có mặt.",
    "Nhập lại cùng Mã hộ sẽ cập nhật hộ đó, không tạo hộ trùng; ô để trống giữ nguyên dữ liệu "
    "đã có; nhân khẩu không có trong tệp được giữ nguyên.",
    "Hai dòng mẫu (Mã hộ VD-001) cần xóa trước khi nhập.",
)


def template_bytes() -> bytes:
    """The template workbook as .xlsx bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nhân khẩu"
    _header(sheet)
    for row in SAMPLE:
        sheet.append([row.get(column.key, "") for column in COLUMNS])
    _validations(sheet)
    _notes(workbook.create_sheet("Hướng dẫn"))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _header(sheet) -> None:
    sheet.append([column.header for column in COLUMNS])
    household_fill = PatternFill("solid", fgColor="DDEBF7")  # tells household from person columns
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if column.level == HOUSEHOLD:
            cell.fill = household_fill
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(column.key, 12)
    sheet.freeze_panes = "A2"
    # Text cells, so Excel keeps "0912345678", "001" and "12/03/1968" as typed instead of making
    # a number or a date serial of them: the column's style and every row a commune fills.
    for index, column in enumerate(COLUMNS, start=1):
        if column.key in TEXT_KEYS:
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].number_format = "@"
            for row in range(2, VALIDATED_ROWS + 2):
                sheet[f"{letter}{row}"].number_format = "@"


def _validations(sheet) -> None:
    """One dropdown per column with a fixed list; relationship accepts other words too."""
    for index, column in enumerate(COLUMNS, start=1):
        if not column.choices:
            continue
        letter = get_column_letter(index)
        rule = DataValidation(
            type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True
        )
        if column.kind == "quan_he":
            rule.showErrorMessage = False
        else:
            rule.error, rule.errorTitle = "Chọn một giá trị trong danh sách.", column.header
            rule.showErrorMessage = True
        sheet.add_data_validation(rule)
        rule.add(f"{letter}2:{letter}{VALIDATED_ROWS + 1}")


def _notes(sheet) -> None:
    sheet.column_dimensions["A"].width = 110
    sheet.append(["Hướng dẫn nhập dữ liệu hộ gia đình"])
    sheet["A1"].font = Font(bold=True, size=13)
    for note in NOTES:
        sheet.append([note])
        sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True)


BAD = PatternFill("solid", fgColor="FFC7CE")


def marked_copy(rows, errors) -> bytes:
    """The upload again, as an XLSX, with every bad cell filled red and a last column giving
    each row's reasons: the officer fixes it there and uploads it again."""
    reasons: dict[int, list] = {}
    for error in errors:
        reasons.setdefault(error.row, []).append(error)
    titles = {error.column for error in errors}
    table = [(number, ["" if cell is None else cell for cell in cells]) for number, cells in rows]
    width = max((len(cells) for _, cells in table), default=0)
    header = next((n for n, cells in table if titles & {str(c).strip() for c in cells}), None)
    heading = next((cells for n, cells in table if n == header), [])
    positions = {str(cell).strip(): index for index, cell in enumerate(heading)}
    book = Workbook()
    sheet = book.active
    sheet.title = "Dữ liệu"
    for number, cells in table:
        row_errors = reasons.get(number, [])
        last = (
            ERRORS_HEADER
            if number == header
            else "; ".join(f"{e.column}: {e.reason}" for e in row_errors)
        )
        sheet.append(cells + [""] * (width - len(cells)) + [last])
        for error in row_errors:
            index = positions.get(error.column)
            if index is not None:
                sheet.cell(row=sheet.max_row, column=index + 1).fill = BAD
        if row_errors:
            sheet.cell(row=sheet.max_row, column=width + 1).fill = BAD
    sheet.column_dimensions[get_column_letter(width + 1)].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
