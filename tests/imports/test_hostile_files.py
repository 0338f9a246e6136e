"""Files that are huge, broken or hostile: a clear message, nothing imported, never a 500."""

import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.households.models import Person
from survey_app.imports.parsing import ImportFileError, Limits, parse_file
from survey_app.imports.reading import BAD_XLSX, TOO_BIG_XLSX
from tests.imports.support import ROWS, csv_bytes, upload, xlsx_bytes

TODAY = date(2025, 6, 15)
SHEET = "xl/worksheets/sheet1.xml"
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row></sheetData>'
    "</worksheet>"
)


def with_part(name: str, text: str) -> bytes:
    """A real workbook with one of its XML parts replaced."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["Thôn", "Mã hộ", "Họ và tên"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = text.encode() if item.filename == name else source.read(item)
            target.writestr(item, data)
    return out.getvalue()


def many_rows_xlsx(rows: int, dimension: bool = True) -> bytes:
    """A small file of very many rows, as a hostile upload would be (written as raw XML)."""
    body = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, rows + 1))
    size = f'<dimension ref="A1:A{rows}"/>' if dimension else ""
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{size}<sheetData>{body}</sheetData></worksheet>"
    )
    return with_part(SHEET, sheet)


class CountingStream(io.BytesIO):
    """Remembers how far it was read, to show the reader streams rather than loads."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.furthest = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return chunk

    def read1(self, size=-1):
        chunk = super().read1(size)
        self.furthest = max(self.furthest, self.tell())
        return chunk

    def readinto(self, buffer):
        n = super().readinto(buffer)
        self.furthest = max(self.furthest, self.tell())
        return n


@pytest.mark.parametrize(
    "data",
    [
        with_part(SHEET, "<worksheet><sheetData><row r='1'><c r='A1'><v>1</v>"),  # cut short
        with_part(SHEET, LAUGHS),  # entity expansion in the sheet
        with_part("xl/workbook.xml", LAUGHS.replace("worksheet", "workbook")),
        with_part("xl/styles.xml", "<styleSheet><oops"),
        b"PK\x03\x04" + b"\x00" * 100,  # a zip header and nothing else
    ],
    ids=["truncated", "entities", "entities-workbook", "bad-styles", "bad-zip"],
)
def test_broken_or_hostile_xlsx_is_a_clear_message(data):
    with pytest.raises(ImportFileError) as error:
        parse_file("ho.xlsx", data, TODAY)
    assert str(error.value) in (BAD_XLSX,) or "Excel" in str(error.value)


def test_a_file_past_the_row_limit_stops_early_with_the_limit_named():
    rows = [ROWS[0] | {"Mã hộ": f"P-{i}", "Họ và tên": f"Người {i}"} for i in range(5000)]
    stream = CountingStream(csv_bytes(rows))
    with pytest.raises(ImportFileError, match=r"hơn 1\.000 dòng.*IMPORT_MAX_ROWS = 1\.000"):
        parse_file("ho.csv", stream, TODAY, limits=Limits(rows=1000))
    assert stream.furthest < len(stream.getvalue()) / 2  # read as a stream, stopped at the limit
    with pytest.raises(ImportFileError, match="IMPORT_MAX_ROWS"):
        parse_file("ho.xlsx", many_rows_xlsx(3000), TODAY, limits=Limits(rows=1000))


def test_a_large_sheet_without_its_size_is_refused_before_reading():
    """openpyxl would read such a sheet whole just to size it: a million rows, 20 s."""
    with pytest.raises(ImportFileError, match=TOO_BIG_XLSX):
        parse_file("ho.xlsx", many_rows_xlsx(200_000, dimension=False), TODAY)


def test_a_row_past_the_column_limit_is_refused():
    wide = [["Thôn", "Mã hộ", "Họ và tên", "Ngày sinh", "Giới tính"] + ["x"] * 200]
    with pytest.raises(ImportFileError, match=r"Dòng 1 có 205 ô.*IMPORT_MAX_COLUMNS"):
        parse_file("ho.xlsx", xlsx_bytes(wide), TODAY)
    # Blank cells padding a row do not count.
    padded = csv_bytes(ROWS[:1]).replace(b"\r\n", b"," * 500 + b"\r\n")
    assert parse_file("ho.csv", padded, TODAY).people == 1


def test_the_page_names_the_limit_and_imports_nothing(app, client, auth, world):
    app.config["IMPORT_MAX_ROWS"] = 3
    auth.login("canbo")
    response = upload(client, csv_bytes())
    assert "IMPORT_MAX_ROWS = 3" in response.get_data(as_text=True)
    response = upload(client, with_part(SHEET, LAUGHS), name="ho.xlsx")
    assert BAD_XLSX in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Person)) == 3  # World's own
