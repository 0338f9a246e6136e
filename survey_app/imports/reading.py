"""Read an import file's rows as a stream, within limits, whatever the file holds.

A file can be hostile or just huge: a 1.7 MB XLSX can hold a million rows, a CSV line a million
cells, an XLSX part a malformed or entity-laden XML document. Rows are read one at a time
(openpyxl read_only, csv.reader over the upload's stream), counted against IMPORT_MAX_ROWS and
IMPORT_MAX_COLUMNS, and every way the reading can fail becomes an ImportFileError with a
Vietnamese message, never a server error. openpyxl parses with defusedxml when it is installed
(it is a dependency), so entity declarations are refused instead of expanded.
"""

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

Row = tuple[int, tuple]  # (spreadsheet row number, cells)
BAD_XLSX = "Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc không đúng định dạng."
MAX_PART_BYTES = 64 * 1024 * 1024  # uncompressed, per part of the workbook
NO_SIZE_BYTES = 4 * 1024 * 1024  # a sheet this large must say its size (as every program does)
TOO_BIG_XLSX = (
    "Tệp Excel quá lớn hoặc được tạo bất thường. Hãy mở tệp bằng Excel, xóa các dòng và cột "
    "thừa, lưu lại rồi nhập; hoặc chia thành nhiều tệp nhỏ hơn."
)
# Errors the zip and XML layers raise on a broken or hostile workbook: the XML parsers' errors
# (xml.etree's and lxml's) are SyntaxError subclasses, defusedxml's refusals of entities and
# DTDs are ValueError subclasses.
XLSX_ERRORS: tuple[type[BaseException], ...] = (
    *(BadZipFile, InvalidFileException, KeyError, OSError, EOFError, SyntaxError),
    *(ValueError, zlib.error, TypeError, IndexError, AttributeError),
)


class ImportFileError(Exception):
    """The file cannot be read at all (wrong type, not UTF-8, too large, no data...)."""


@dataclass(frozen=True)
class Limits:
    rows: int = 50_000  # a commune's register is a few thousand people; this is many communes
    columns: int = 100  # the template has 25 columns

    @classmethod
    def of(cls, config) -> "Limits":
        """The limits set in the app's config (IMPORT_MAX_ROWS, IMPORT_MAX_COLUMNS)."""
        return cls(config["IMPORT_MAX_ROWS"], config["IMPORT_MAX_COLUMNS"])


def vn_int(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def read_rows(filename: str, data, limits: Limits = Limits()) -> Iterator[Row]:
    """Rows of the file's first sheet, one at a time; ``data`` is bytes or a binary file."""
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(stream)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(stream)
    else:
        raise ImportFileError("Chỉ nhận tệp .csv hoặc .xlsx.")
    return _within(rows, limits)


def _within(rows: Iterator[Row], limits: Limits) -> Iterator[Row]:
    """Stop with a clear message at the first row past the limits."""
    for number, cells in rows:
        if number > limits.rows:
            raise ImportFileError(
                f"Tệp có hơn {vn_int(limits.rows)} dòng, quá giới hạn một lần nhập "
                f"(IMPORT_MAX_ROWS = {vn_int(limits.rows)}). Hãy chia thành nhiều tệp nhỏ hơn."
            )
        cells = _trimmed(cells)
        if len(cells) > limits.columns:
            raise ImportFileError(
                f"Dòng {number} có {vn_int(len(cells))} ô, quá giới hạn {limits.columns} cột "
                f"(IMPORT_MAX_COLUMNS). Mẫu nhập chỉ có 25 cột; hãy xóa các cột thừa."
            )
        yield number, cells


def _trimmed(cells: tuple) -> tuple:
    """Cells without the blank ones at the end of the row (spreadsheets pad rows)."""
    end = len(cells)
    while end and (cells[end - 1] is None or cells[end - 1] == ""):
        end -= 1
    return cells[:end] if end < len(cells) else cells


def _csv_rows(stream) -> Iterator[Row]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        delimiter = max(",;\t", key=first.count)  # Excel in Vietnamese locales writes ';'
        reader = csv.reader(chain([first], text), delimiter=delimiter)
        yield from enumerate(map(tuple, reader), start=1)
    except UnicodeDecodeError:
        raise ImportFileError("Tệp CSV phải lưu với mã UTF-8 (CSV UTF-8).") from None
    except csv.Error as exc:
        raise ImportFileError(f"Tệp CSV không đúng định dạng ({exc}).") from None
    finally:
        text.detach()


def _check_archive(stream) -> None:
    """Refuse, before openpyxl reads anything, parts that would cost far more than they weigh."""
    try:
        archive = zipfile.ZipFile(stream)
        for info in archive.infolist():
            if info.file_size > MAX_PART_BYTES:  # a zip bomb, or shared strings filling memory
                raise ImportFileError(TOO_BIG_XLSX)
            if info.filename.startswith("xl/worksheets/") and info.file_size > NO_SIZE_BYTES:
                # Without <dimension> openpyxl reads the whole sheet once just to size it.
                with archive.open(info) as part:
                    head = part.read(8192).split(b"sheetData", 1)[0]
                if b"dimension" not in head:
                    raise ImportFileError(TOO_BIG_XLSX)
    except (BadZipFile, OSError, EOFError, zlib.error, ValueError):
        raise ImportFileError(BAD_XLSX) from None
    stream.seek(0)


def _xlsx_rows(stream) -> Iterator[Row]:
    _check_archive(stream)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except XLSX_ERRORS:
        raise ImportFileError(BAD_XLSX) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some generators write a wrong size; read what is there
        rows = sheet.iter_rows(min_row=1, values_only=True)
        yield from enumerate(rows, start=1)
    except XLSX_ERRORS:
        raise ImportFileError(BAD_XLSX) from None
    finally:
        workbook.close()
