"""Evidence lists ("danh sách minh chứng"): who is behind each figure, grouped by thôn.

A list streams its rows from the engine's evidence statement (the same conditions as the count),
selecting plain columns rather than ORM objects so 100.000 rows stay fast and memory flat. Each
list knows its expected size from the report; streaming checks it, so a list never disagrees with
its total line.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import select

from aggregation import numbers
from aggregation.criteria import DERIVED_HOUSEHOLD, HOUSEHOLD_FIELDS, PERSON_FIELDS, Indicator
from aggregation.documents import consent
from aggregation.documents.errors import ListChanged
from aggregation.documents.masking import shown_number
from aggregation.evidence import evidence_statement
from aggregation.source import Source, source_for
from survey_app.assistance.models import ClassAttendance, TrainingClass, source_label
from survey_app.households.vocabulary import GIOI_TINH, VNEID

NUMERATOR, COMPLEMENT = "numerator", "complement"
SOURCED_FIELDS = ("ky_nang_so",)  # answers a training class can back (assistance/)
BATCH = 2000  # rows fetched per round trip
ANSWERS = {True: "Có", False: "Không", None: "Chưa hỏi"}


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # in characters (Excel column width; PDF widths are proportional)
    numeric: bool = False


@dataclass(frozen=True)
class Group:
    """A thôn heading inside a list."""

    village: str
    count: int
    unit: str

    @property
    def label(self) -> str:
        return f"{self.village} ({numbers.format_int(self.count)} {self.unit})"


@dataclass(frozen=True)
class Entry:
    """One person or household; ``cells`` line up with the list's columns (STT first)."""

    cells: tuple


@dataclass(frozen=True)
class Subtotal:
    """A thôn's own ratio after its rows, as its dashboard shows it."""

    label: str
    display: str


Item = Group | Entry | Subtotal


@dataclass
class EvidenceList:
    code: str
    which: str  # NUMERATOR or COMPLEMENT
    indicator: Indicator
    count: int  # rows the list must have
    total_display: str  # "3.323/3.501 = 94,92%"
    villages: dict[int, tuple[int, str]]  # village id -> (rows, display)
    statement: object  # SQL select of plain columns, ordered by thôn
    full_data: bool = False
    unnamed: int = 0  # rows of households without consent: counted, not named

    @property
    def privacy_note(self) -> str | None:
        """The line under the total saying how many rows are not named, if any."""
        return consent.note(self.unnamed, self.unit)

    @property
    def households(self) -> bool:
        return self.indicator.unit_kind == "household"

    @property
    def unit(self) -> str:
        return "hộ" if self.households else "người"

    @property
    def appendix(self) -> str:
        return f"Phụ lục {self.code}"

    @property
    def label(self) -> str:
        """'Phụ lục 3.4', or 'Phụ lục 3.4 - chưa đạt' for the help list (page footers, files)."""
        return self.appendix + (" - chưa đạt" if self.which == COMPLEMENT else "")

    @property
    def sheet_name(self) -> str:
        return f"PL {self.code}" + (" chưa đạt" if self.which == COMPLEMENT else "")

    @property
    def title(self) -> str:
        if self.which == COMPLEMENT:
            return f"DANH SÁCH CHƯA ĐẠT / CẦN HỖ TRỢ - CHỈ TIÊU {self.code}"
        return f"DANH SÁCH MINH CHỨNG CHỈ TIÊU {self.code}"

    @property
    def value_header(self) -> str:
        field = self.indicator.numerator.field
        return {**PERSON_FIELDS, **HOUSEHOLD_FIELDS}.get(field, field)

    @property
    def with_phone(self) -> bool:
        """Households are contacted by phone; person lists only when they are help lists."""
        return self.households or self.which == COMPLEMENT

    @property
    def with_source(self) -> bool:
        """Skills lists cite the latest training class each person attended ("Nguồn")."""
        return sourced(self.indicator, self.which)

    @property
    def columns(self) -> list[Column]:
        if self.households:
            cols = [Column("STT", 6, True), Column("Mã hộ", 12), Column("Chủ hộ", 26)]
            cols += [Column("Thôn", 16), Column("Địa chỉ", 40), Column("Số điện thoại", 15)]
            return cols + [Column(self.value_header, 18)]
        cols = [Column("STT", 6, True), Column("Họ và tên", 26), Column("Năm sinh", 9, True)]
        cols += [Column("Giới tính", 9), Column("Thôn", 16), Column("Chủ hộ / Địa chỉ", 42)]
        cols.append(Column(self.value_header, 18))
        cols += [Column("Nguồn", 30)] if self.with_source else []
        return cols + ([Column("Số điện thoại", 15)] if self.with_phone else [])

    @property
    def total_label(self) -> str:
        return "Tổng cộng" if self.which == NUMERATOR else "Tổng cộng chưa đạt"


def evidence_lists(session, request, report, codes) -> list[EvidenceList]:
    """One numerator list per indicator code (and a complement list each when asked)."""
    kinds = (NUMERATOR, COMPLEMENT) if request.complement else (NUMERATOR,)
    return [_describe(session, request, report, code, which) for code in codes for which in kinds]


def _describe(session, request, report, code: str, which: str) -> EvidenceList:
    result = report.indicator(code)
    village_id = request.village.id if request.village is not None else None
    rows = [v for v in result.villages if village_id is None or v.village.id == village_id]
    decimals = report.rules.decimals
    villages = {v.village.id: _figures(v, which, decimals) for v in rows}
    if village_id is None:
        count, display = _figures(result, which, decimals)
    else:
        count, display = villages.get(village_id, (0, numbers.NO_DATA))
    statement = evidence_statement(
        session,
        request.commune,
        report.criteria.id,
        code,
        report.year,
        ages_at=report.as_of,
        at=report.data_at,
        settings=request.settings,
        village_id=village_id,
        which=which,
    )
    ind = result.indicator
    src, _ = source_for(None, at=report.data_at)  # the rows the statement reads
    if ind.unit_kind == "household":
        columns = _household_columns(ind, src)
    else:
        columns = _person_columns(ind, src, sourced(ind, which))
    return EvidenceList(
        code=code,
        which=which,
        indicator=ind,
        count=count,
        total_display=display,
        villages=villages,
        statement=statement.with_only_columns(*columns),
        full_data=request.full_data,
        unnamed=consent.count_unnamed(session, statement, src),
    )


def _figures(ratio, which: str, decimals: int) -> tuple[int, str]:
    """Rows and display of a list: the counted ones, or those not counted (yet)."""
    num, den = ratio.numerator or 0, ratio.denominator or 0
    if which == NUMERATOR:
        return num, ratio.display
    rest = den - num
    if not den:
        return 0, numbers.NO_DATA
    return rest, numbers.display(rest, den, decimals)


def _value_column(ind: Indicator, model):
    field = ind.numerator.field
    return getattr(model, field) if field not in DERIVED_HOUSEHOLD else None


def sourced(ind: Indicator, which: str) -> bool:
    person_list = ind.unit_kind != "household"
    return which == NUMERATOR and person_list and ind.numerator.field in SOURCED_FIELDS


def _person_columns(ind: Indicator, src: Source, with_source: bool = False) -> list:
    H, P, V = src.H, src.P, src.V
    cols = [V.id, V.name, consent.consented_column(H), P.ho_ten, P.birth_date, P.gioi_tinh]
    cols += [H.ma_ho, H.chu_ho, H.dia_chi, H.so_dien_thoai]
    if with_source:  # correlated subqueries: one value per person, never an extra row
        cols += [_latest_class(P, TrainingClass.held_on, "class_on")]
        cols += [_latest_class(P, TrainingClass.place, "class_place")]
    return cols + [_value_column(ind, P)]


def _latest_class(P, column, label: str):
    """``column`` of the latest class (by date, then creation) the row's person attended."""
    return (
        select(column)
        .join(ClassAttendance, ClassAttendance.class_id == TrainingClass.id)
        .where(ClassAttendance.person_id == P.id)
        .order_by(TrainingClass.held_on.desc(), TrainingClass.id.desc())
        .limit(1)
        .correlate(P)
        .scalar_subquery()
        .label(label)
    )


def _household_columns(ind: Indicator, src: Source) -> list:
    H, V = src.H, src.V
    cols = [V.id, V.name, consent.consented_column(H), H.ma_ho, H.chu_ho, H.dia_chi]
    value = _value_column(ind, H)
    return cols + [H.so_dien_thoai] + ([value] if value is not None else [])


def _answer(lst: EvidenceList, value) -> str:
    if lst.indicator.numerator.field in DERIVED_HOUSEHOLD:
        return "Có" if lst.which == NUMERATOR else "Chưa đạt"
    if lst.indicator.numerator.field == "vneid":
        return VNEID.get(value, "Chưa hỏi")
    return ANSWERS[value]


def _cells(lst: EvidenceList, stt: int, row) -> tuple:
    if not row.consented:
        return _unnamed_cells(lst, stt, row)
    phone = shown_number(row.so_dien_thoai, lst.full_data)
    if lst.households:
        value = _answer(lst, row[-1] if len(row) > 7 else None)
        return (stt, row.ma_ho, row.chu_ho, row.name, row.dia_chi, phone, value)
    where = f"{row.chu_ho} ({row.ma_ho})" + (f", {row.dia_chi}" if row.dia_chi else "")
    cells = (stt, row.ho_ten, row.birth_date.year, GIOI_TINH.get(row.gioi_tinh, row.gioi_tinh))
    cells += (row.name, where, _answer(lst, row[-1]))
    if lst.with_source:
        cells += (source_label(row.class_on, row.class_place) if row.class_on else "",)
    return cells + ((phone,) if lst.with_phone else ())


def _unnamed_cells(lst: EvidenceList, stt: int, row) -> tuple:
    """The row is counted, so it stays; only its thôn and answer are shown."""
    if lst.households:
        value = _answer(lst, row[-1] if len(row) > 7 else None)
        return (stt, "", consent.UNNAMED, row.name, "", "", value)
    cells = (stt, consent.UNNAMED, "", "", row.name, "", _answer(lst, row[-1]))
    if lst.with_source:
        cells += ("",)
    return cells + (("",) if lst.with_phone else ())


def items(session, lst: EvidenceList, tick: Callable[[int], None] | None = None) -> Iterator[Item]:
    """The list's rows in order: per thôn a Group, its Entries and a Subtotal.

    ``tick(n)`` is called after every ``BATCH`` rows (progress). Raises ListChanged when the rows
    do not add up to the list's count (someone edited the data while it was being written).
    """
    stmt = lst.statement.execution_options(yield_per=BATCH)
    current, last_name, stt = None, "", 0
    for row in session.execute(stmt):
        if row.id != current:
            if current is not None:
                yield _subtotal(lst, current, last_name)
            current, last_name = row.id, row.name
            yield Group(row.name, lst.villages.get(row.id, (0, ""))[0], lst.unit)
        stt += 1
        yield Entry(_cells(lst, stt, row))
        if tick is not None and stt % BATCH == 0:
            tick(BATCH)
    if current is not None:
        yield _subtotal(lst, current, last_name)
    if tick is not None:
        tick(stt % BATCH)
    if stt != lst.count:
        raise ListChanged(
            f"{lst.sheet_name}: dữ liệu vừa thay đổi ({stt} dòng, tổng {lst.count}); hãy xuất lại"
        )


def _subtotal(lst: EvidenceList, village_id: int, name: str) -> Subtotal:
    display = lst.villages.get(village_id, (0, ""))[1]
    return Subtotal(f"Cộng {name}", display)
