"""The import template: its columns, how headers are recognised and how each cell is read.

Pure rules, no database: the import service turns the values read here into records.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired

from household_forms import rules
from household_forms.base import VnForm
from survey_app.households.vocabulary import CU_TRU, GIOI_TINH, QUAN_HE, VNEID
from survey_app.text import fold

HOUSEHOLD, PERSON = "household", "person"
YES_NO = ("Có", "Không")
LIMIT = rules.MAX_LENGTH


@dataclass(frozen=True)
class Column:
    key: str  # the bracketed key of docs/cli.md, also accepted as a header
    header: str
    kind: str  # text, code, phone, quan_he, birth, gioi_tinh, cu_tru, yesno, vneid
    level: str  # HOUSEHOLD values repeat on every member's row
    required: bool = False
    max_length: int = 0
    choices: tuple[str, ...] = ()  # the template's dropdown list


def _yesno(key: str, header: str, level: str = PERSON) -> Column:
    return Column(key, header, "yesno", level, choices=YES_NO)


COLUMNS: tuple[Column, ...] = (
    Column("thon", "Thôn", "text", HOUSEHOLD, True, 120),
    Column("ma_ho", "Mã hộ", "code", HOUSEHOLD, True, LIMIT["ma_ho"]),
    Column("chu_ho", "Chủ hộ", "text", HOUSEHOLD, max_length=LIMIT["chu_ho"]),
    Column("dia_chi", "Địa chỉ", "text", HOUSEHOLD, max_length=LIMIT["dia_chi"]),
    Column("so_dien_thoai", "Số điện thoại", "phone", HOUSEHOLD),
    Column("ho_ten", "Họ và tên", "text", PERSON, True, LIMIT["ho_ten"]),
    Column("ngay_sinh", "Ngày sinh", "birth", PERSON, True),
    Column("gioi_tinh", "Giới tính", "gioi_tinh", PERSON, True, choices=tuple(GIOI_TINH.values())),
    Column(
        "quan_he",
        "Quan hệ với chủ hộ",
        "quan_he",
        PERSON,
        max_length=LIMIT["quan_he"],
        choices=QUAN_HE,
    ),
    Column("cu_tru", "Tình trạng cư trú", "cu_tru", PERSON, choices=tuple(CU_TRU.values())),
    _yesno("dt_thong_minh", "Điện thoại thông minh"),
    _yesno("ptt_an_toan", "Phần mềm an toàn thông tin"),
    _yesno("tk_thanh_toan", "Tài khoản thanh toán"),
    Column(
        "vneid", "VNeID", "vneid", PERSON, choices=("Không", "Chưa kích hoạt", "Mức 1", "Mức 2")
    ),
    _yesno("chu_ky_so", "Chữ ký số"),
    _yesno("ky_nang_so", "Kỹ năng số"),
    _yesno("dvc_truc_tuyen", "Dịch vụ công trực tuyến"),
    _yesno("ho_so_suc_khoe", "Hồ sơ sức khỏe điện tử"),
    _yesno("kham_tu_xa", "Khám chữa bệnh từ xa"),
    _yesno("cap_quang", "Internet cáp quang", HOUSEHOLD),
    _yesno("dien_khong_tien_mat", "Tiền điện không dùng tiền mặt", HOUSEHOLD),
    _yesno("dia_chi_so", "Địa chỉ số", HOUSEHOLD),
    _yesno("ho_kinh_doanh", "Hộ kinh doanh", HOUSEHOLD),
    _yesno("kd_thanh_toan_dt", "Chấp nhận thanh toán điện tử", HOUSEHOLD),
    _yesno("kd_san_tmdt", "Sàn thương mại điện tử", HOUSEHOLD),
)
BY_KEY = {column.key: column for column in COLUMNS}


class CellProblem(ValueError):
    """A cell that cannot be read; the message is the Vietnamese reason shown to the user."""


@dataclass(frozen=True)
class CellError:
    row: int  # as in the spreadsheet: the header is row 1
    column: str  # the header as written in the file
    value: str
    reason: str


@lru_cache(maxsize=4096)  # a file repeats a handful of words ("Có", "Không") thousands of times
def word_key(text: str) -> str:
    """Only the letters and digits of ``fold(text)``: 'Mức 1', 'muc_1' and 'MUC1' agree."""
    return re.sub(r"[^a-z0-9]+", "", fold(text))


def name_key(text: str) -> str:
    """A person's name folded for matching members: case, spacing and diacritics ignored."""
    return " ".join(fold(text).split())


def village_key(text: str) -> str:
    """A village name for matching: case and spacing ignored, diacritics kept (Nam ≠ Nậm)."""
    return clean_text(text).casefold()


HEADER_KEYS = {word_key(c.header): c.key for c in COLUMNS} | {
    word_key(c.key): c.key for c in COLUMNS
}


def column_for_header(header) -> str | None:
    """The column key a header names (label or bracketed key, e.g. 'Mã hộ [ma_ho]'), or None."""
    text = clean_text(header)
    bracket = re.search(r"\[([^\]]+)\]", text)
    if bracket and word_key(bracket.group(1)) in HEADER_KEYS:
        return HEADER_KEYS[word_key(bracket.group(1))]
    return HEADER_KEYS.get(word_key(text))


@dataclass
class HeaderMatch:
    positions: dict[str, int] = field(default_factory=dict)  # column key → cell index
    titles: dict[str, str] = field(default_factory=dict)  # column key → header as written
    unknown: list[str] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


def match_headers(cells, row: int = 1) -> HeaderMatch:
    """Find each template column in a header row; list unknown, duplicated and missing ones."""
    match = HeaderMatch()
    for index, cell in enumerate(cells):
        title = clean_text(cell)
        if not title:
            continue
        key = column_for_header(title)
        if key is None:
            match.unknown.append(title)
        elif key in match.positions:
            match.errors.append(CellError(row, title, title, "Cột bị lặp lại"))
        else:
            match.positions[key], match.titles[key] = index, title
    for column in COLUMNS:
        if column.required and column.key not in match.positions:
            match.errors.append(CellError(row, column.header, "", "Thiếu cột bắt buộc"))
    return match


def clean_text(raw) -> str:
    """A cell as text: NFC, single-spaced; whole-number floats lose their '.0'."""
    if raw is None:
        return ""
    if type(raw) is not str:
        return _other_text(raw)
    if not raw.isascii() and not unicodedata.is_normalized("NFC", raw):
        raw = unicodedata.normalize("NFC", raw)  # text typed or pasted in decomposed form
    return " ".join(raw.split())


def _other_text(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return raw.strftime("%d/%m/%Y")
    return clean_text(str(raw))


def _words(mapping: dict[str, str], **extra: str) -> dict[str, str]:
    """Accepted words → stored value: each key, each label, and a few common variants."""
    words = {word_key(k): k for k in mapping} | {word_key(v): k for k, v in mapping.items()}
    return words | {word_key(word): value for word, value in extra.items()}


YES_WORDS = {"co", "c", "x", "1", "yes", "true"}
NO_WORDS = {"khong", "k", "0", "no", "false"}
VNEID_WORDS = _words(VNEID, k="khong", muc_do_1="muc_1", muc_do_2="muc_2")
CU_TRU_WORDS = _words(CU_TRU, chuyen_di="da_chuyen_di", mat="da_mat")
GIOI_TINH_WORDS = _words(GIOI_TINH)
QUAN_HE_WORDS = {word_key(word): word for word in QUAN_HE}


def parse_yesno(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    key = word_key(clean_text(raw))
    if key in YES_WORDS or key in NO_WORDS:
        return key in YES_WORDS
    raise CellProblem("Chỉ nhận Có/Không (C, X, 1 / K, 0); để trống nếu chưa hỏi")


def _choice(words: dict[str, str], message: str):
    def parse(raw) -> str:
        try:
            return words[word_key(clean_text(raw))]
        except KeyError:
            raise CellProblem(message) from None

    return parse


parse_vneid = _choice(VNEID_WORDS, "Chỉ nhận Không / Chưa kích hoạt / Mức 1 / Mức 2")
parse_cu_tru = _choice(CU_TRU_WORDS, "Chỉ nhận Có mặt / Tạm vắng / Đã chuyển đi / Đã mất")
parse_gioi_tinh = _choice(GIOI_TINH_WORDS, "Chỉ nhận Nam hoặc Nữ")


def parse_birth(raw, today: date) -> tuple[date, bool]:
    """(effective birth date, year only?) by rules.parse_birth; a date cell is a full date."""
    if isinstance(raw, datetime):
        raw = raw.date()
    try:
        return rules.parse_birth(raw if isinstance(raw, date) else clean_text(raw), today)
    except rules.RuleError as exc:
        raise CellProblem(str(exc)) from None


def parse_phone(raw) -> str:
    """A phone cell by rules.clean_phone (the page's and the phone's rule)."""
    try:
        return rules.clean_phone(clean_text(raw))
    except rules.RuleError as exc:
        raise CellProblem(str(exc)) from None


def parse_text(column: Column, raw) -> str:
    """A text cell, refused when it holds a control character or is too long."""
    text = clean_text(raw)
    try:
        rules.check_control(text)
    except rules.RuleError as exc:
        raise CellProblem(str(exc)) from None
    if column.max_length and len(text) > column.max_length:
        raise CellProblem(rules.TOO_LONG.format(max=column.max_length, length=len(text)))
    if column.kind == "quan_he":
        return QUAN_HE_WORDS.get(word_key(text), text)
    return text


def parse_cell(column: Column, raw, today: date):
    """The stored value of a non-blank cell, or CellProblem with the reason."""
    if column.kind == "yesno":
        return parse_yesno(raw)
    if column.kind == "birth":
        return parse_birth(raw, today)
    parser = {
        "vneid": parse_vneid,
        "cu_tru": parse_cu_tru,
        "gioi_tinh": parse_gioi_tinh,
        "phone": parse_phone,
    }.get(column.kind)
    return parser(raw) if parser else parse_text(column, raw)


def parse_row(row: int, cells, headers: HeaderMatch, today: date):
    """Read one data row: ({column key: value} for non-blank cells, [CellError])."""
    values, errors = {}, []
    for key, index in headers.positions.items():
        column, raw = BY_KEY[key], cells[index] if index < len(cells) else None
        text = clean_text(raw)
        if not text:
            if column.required:
                errors.append(
                    CellError(row, headers.titles[key], "", "Bắt buộc, không được để trống")
                )
            continue
        try:
            values[key] = parse_cell(column, raw, today)
        except CellProblem as problem:
            errors.append(CellError(row, headers.titles[key], text, str(problem)))
    return values, errors


CONSENT_LABEL = (
    "Tôi xác nhận xã đã thu thập dữ liệu trong tệp với sự đồng ý của các hộ "
    "(Luật Bảo vệ dữ liệu cá nhân)"
)


class ImportUploadForm(VnForm):
    """The import page: a CSV/XLSX file and, for an admin, the commune it belongs to."""

    commune = SelectField("Xã", validate_choice=True)
    file = FileField(
        "Tệp dữ liệu (.xlsx hoặc .csv)",
        validators=[
            FileRequired("Vui lòng chọn tệp."),
            FileAllowed(["csv", "xlsx"], "Chỉ nhận tệp .xlsx hoặc .csv."),
        ],
        render_kw={"accept": ".xlsx,.csv"},
    )
    consent = BooleanField(
        CONSENT_LABEL,
        validators=[DataRequired("Cần xác nhận xã đã thu thập dữ liệu với sự đồng ý của các hộ.")],
    )
