"""Read an import file (CSV or XLSX) and group its rows into households, without the database."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import chain

from household_forms.import_template import (
    BY_KEY,
    HOUSEHOLD,
    CellError,
    HeaderMatch,
    clean_text,
    column_for_header,
    match_headers,
    name_key,
    parse_row,
    village_key,
)
from survey_app.imports.reading import ImportFileError, Limits, Row, read_rows

ERRORS_HEADER = "Lỗi cần sửa"  # the last column of the marked copy of a file with bad cells

__all__ = ["ImportFileError", "Limits", "parse_file", "parse_rows", "read_rows"]

HEADER_SEARCH_ROWS = 10  # a title line or two above the header is common in commune files
Progress = Callable[[int], None]


@dataclass
class FileMember:
    row: int
    values: dict  # Person field → value, only for the cells the file fills


@dataclass
class FileHousehold:
    ma_ho: str
    row: int  # the household's first row: its household values come from there
    village: str
    values: dict  # Household field → value, only for the cells the file fills
    raw: dict  # the first row's household cells as text, for disagreement messages
    members: list[FileMember] = field(default_factory=list)
    people_seen: dict = field(default_factory=dict)  # (name, birth) → row, to catch duplicates

    @property
    def default_chu_ho(self) -> str:
        """Head of household for a new record when the file leaves Chủ hộ blank."""
        head = next((m for m in self.members if m.values.get("quan_he") == "Chủ hộ"), None)
        return (head or self.members[0]).values["ho_ten"]


@dataclass
class ParsedFile:
    households: dict[str, FileHousehold] = field(default_factory=dict)
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # column key → header as written
    rows: int = 0

    @property
    def people(self) -> int:
        return sum(len(h.members) for h in self.households.values())


def _split_header(rows: Iterable[Row]) -> tuple[Row, Iterable[Row]]:
    """(the header row, the rows after it): the header is the first of the first rows naming 3+
    template columns, else the first row with any text (its missing columns are reported)."""
    rows = iter(rows)
    seen: list[Row] = []
    for row in rows:
        seen.append(row)
        if sum(column_for_header(cell) is not None for cell in row[1]) >= 3:
            return row, rows
        if len(seen) == HEADER_SEARCH_ROWS:
            break
    for index, (_, cells) in enumerate(seen):
        if any(clean_text(cell) for cell in cells):
            return seen[index], chain(seen[index + 1 :], rows)
    for row in rows:  # no header in the first rows: the first row with text stands for one
        if any(clean_text(cell) for cell in row[1]):
            return row, rows
    raise ImportFileError("Tệp trống.")


def parse_file(filename: str, data, today: date, progress=None, limits: Limits | None = None):
    """Read and check a whole file (bytes or a binary stream); bad cells end up in ``errors``."""
    return parse_rows(read_rows(filename, data, limits or Limits()), today, progress)


def parse_rows(rows: Iterable[Row], today: date, progress: Progress | None = None) -> ParsedFile:
    """Check the rows of a sheet (header first) and group them by Mã hộ."""
    (header_row, header_cells), rest = _split_header(rows)
    headers = match_headers(header_cells, header_row)
    parsed = ParsedFile(errors=list(headers.errors), titles=headers.titles)
    parsed.warnings += [
        f"Bỏ qua cột không nhận ra: '{title}'"
        for title in headers.unknown
        if clean_text(title) != ERRORS_HEADER  # the marked copy's column of reasons
    ]
    for number, cells in rest:
        if any(clean_text(cell) for cell in cells):
            parsed.rows += 1
            values, errors = parse_row(number, cells, headers, today)
            parsed.errors += errors
            _add_to_household(parsed, number, cells, values, headers)
        if progress:
            progress(1)
    if parsed.rows == 0 and not parsed.errors:
        raise ImportFileError("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
    return parsed


def _add_to_household(parsed: ParsedFile, row: int, cells, values: dict, headers: HeaderMatch):
    if "ma_ho" not in values or "thon" not in values:
        return  # already reported as a bad cell; nothing to group by
    own = {k: v for k, v in values.items() if BY_KEY[k].level == HOUSEHOLD and k != "ma_ho"}
    household = parsed.households.get(values["ma_ho"])
    if household is None:
        raw = {
            k: clean_text(_cell(cells, i))
            for k, i in headers.positions.items()
            if BY_KEY[k].level == HOUSEHOLD
        }
        household = FileHousehold(values["ma_ho"], row, own.pop("thon"), own, raw)
        parsed.households[household.ma_ho] = household
    else:
        parsed.errors += _disagreements(household, row, cells, own, headers)
    member = _member(household, row, values, headers, parsed.errors)
    if member:
        household.members.append(member)


def _cell(cells, index: int):
    return cells[index] if index < len(cells) else None


def _disagreements(household: FileHousehold, row: int, cells, own: dict, headers: HeaderMatch):
    """A later row of a household may repeat its household cells or leave them blank, not differ."""
    first = household.values | {"thon": household.village}
    errors = []
    for key, value in own.items():
        if key in first:
            same = (
                village_key(value) == village_key(first[key])
                if key == "thon"
                else value == first[key]
            )
        else:
            same = household.raw.get(key) != ""  # the first row's cell was bad: reported there
        if not same:
            raw = clean_text(_cell(cells, headers.positions[key]))
            reason = f"Khác với dòng {household.row} của cùng hộ ({household.raw[key] or 'trống'})"
            errors.append(CellError(row, headers.titles[key], raw, reason))
    return errors


def _member(household: FileHousehold, row: int, values: dict, headers: HeaderMatch, errors: list):
    person = {k: v for k, v in values.items() if BY_KEY[k].level != HOUSEHOLD}
    if "ho_ten" not in person or "ngay_sinh" not in person:
        return None
    person["birth_date"], person["birth_year_only"] = person.pop("ngay_sinh")
    key = (name_key(person["ho_ten"]), person["birth_date"], person["birth_year_only"])
    if key in household.people_seen:
        reason = f"Trùng người ở dòng {household.people_seen[key]} (cùng hộ, họ tên, ngày sinh)"
        errors.append(CellError(row, headers.titles["ho_ten"], person["ho_ten"], reason))
        return None
    household.people_seen[key] = row
    return FileMember(row, person)
