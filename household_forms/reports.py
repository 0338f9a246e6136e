"""Forms of the report pages: picker (year, as-of, criteria), settings, targets, manual results."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from wtforms import DecimalField, IntegerField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import (
    AnyOf,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import TextInput

from aggregation import criteria_sets, numbers
from household_forms.admin import CheckboxesField
from household_forms.base import VnForm
from household_forms.query import whole_number

MIN_YEAR, MAX_YEAR = 2000, 2100


def _options(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


WORKING_AGE_CHOICES = _options(
    [
        (
            "legal",
            "Theo Bộ luật Lao động 2019: từ 15 tuổi đến tuổi nghỉ hưu, tăng dần mỗi năm "
            "(nam 60 tuổi 3 tháng năm 2021, thêm 3 tháng mỗi năm, 62 tuổi từ năm 2028; "
            "nữ 55 tuổi 4 tháng năm 2021, thêm 4 tháng mỗi năm, 60 tuổi từ năm 2035).",
        ),
        ("classic", "Cách tính cũ: nam từ đủ 15 đến dưới 60 tuổi, nữ từ đủ 15 đến dưới 55 tuổi."),
    ]
)
ADULT_AGE_CHOICES = _options([(15, "Từ đủ 15 tuổi (mặc định)"), (18, "Từ đủ 18 tuổi")])
TAM_VANG_CHOICES = _options(
    [
        ("1", "Có: tính cả người tạm vắng (mặc định)"),
        ("0", "Không: chỉ tính người có mặt"),
    ]
)
DECIMAL_CHOICES = _options([(n, f"{n} chữ số" if n else "Không lấy số lẻ") for n in range(5)])
EVALUATION_CHOICES = _options([("", "Chưa đánh giá"), ("dat", "Đạt"), ("khong_dat", "Không đạt")])
PICK_ONE = "Vui lòng chọn một mục."


# ---- the picker (GET parameters, no CSRF: it changes nothing) ---------------------------------


@dataclass
class Picker:
    """What a report page shows: criteria set, year and as-of date, plus messages for bad input."""

    criteria_id: str
    year: int
    as_of: date
    as_of_given: bool = False
    errors: list[str] = field(default_factory=list)

    def args(self, **extra) -> dict:
        """URL arguments that keep this choice on the next page."""
        values = {"bo": self.criteria_id, "nam": self.year}
        if self.as_of_given:
            values["ngay"] = self.as_of.isoformat()
        return {**values, **extra}


def _parse_year(text: str, default: int, errors: list[str]) -> int:
    if not text:
        return default
    year = whole_number(text)
    if year is not None and MIN_YEAR <= year <= MAX_YEAR:
        return year
    errors.append(
        f"Năm “{text}” không hợp lệ (từ {MIN_YEAR} đến {MAX_YEAR}); đang xem năm {default}."
    )
    return default


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            value = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if MIN_YEAR <= value.year <= MAX_YEAR:
            return value
    return None


def read_picker(args, criteria_ids: list[str], default_year: int) -> Picker:
    """Read ?bo=&nam=&ngay= leniently: a bad value gets a clear message and the default instead."""
    errors: list[str] = []
    criteria_id = (args.get("bo") or "").strip()
    if criteria_id not in criteria_ids:
        if criteria_id:
            errors.append(f"Không có bộ tiêu chí “{criteria_id}” cho xã này; đang xem bộ mặc định.")
        criteria_id = criteria_ids[0]
    year = _parse_year((args.get("nam") or "").strip(), default_year, errors)
    text = (args.get("ngay") or "").strip()
    as_of = _parse_date(text) if text else None
    if text and as_of is None:
        errors.append(
            f"Ngày chốt “{text}” không hợp lệ (dạng ngày/tháng/năm); đang dùng 31/12/{year}."
        )
    picker = Picker(criteria_id, year, as_of or date(year, 12, 31), as_of is not None, errors)
    return picker


# ---- settings ---------------------------------------------------------------------------------


def _bool_choice(value) -> bool:
    return value in (True, "1", "True", "true")


def criteria_options() -> list[SelectChoice]:
    """Every criteria set, for the "which sets apply" checkboxes."""
    return [SelectChoice(s.id, f"{s.name} ({s.id})") for s in criteria_sets().values()]


def _line(label: str, most: int) -> StringField:
    """A one-line text of the commune's documents: spaces squeezed, at most ``most`` long."""
    return StringField(
        label,
        validators=[Length(max=most, message=f"Tối đa {most} ký tự.")],
        filters=[lambda value: " ".join((value or "").split())],
    )


def _pick_one(label: str, choices: list[SelectChoice], **options) -> RadioField:
    """A radio group whose answer must be one of ``choices`` (refused with PICK_ONE)."""
    return RadioField(
        label,
        choices=choices,
        validate_choice=False,
        validators=[AnyOf([c.value for c in choices], PICK_ONE)],
        **options,
    )


SIGNER_CHOICES = [
    SelectChoice("chu_tich", "CHỦ TỊCH"),
    SelectChoice("pho_chu_tich", "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH"),
]


class SettingsForm(VnForm):
    criteria_ids = CheckboxesField("Bộ tiêu chí xã áp dụng", choices=[])
    working_age_rule = _pick_one("Cách tính người trong độ tuổi lao động", WORKING_AGE_CHOICES)
    adult_age = RadioField(
        "Dân số trưởng thành",
        choices=ADULT_AGE_CHOICES,
        coerce=int,
        validate_choice=False,
        validators=[AnyOf([15, 18], PICK_ONE)],
    )
    count_tam_vang = RadioField(
        "Có tính người tạm vắng không?",
        choices=TAM_VANG_CHOICES,
        coerce=_bool_choice,
        validate_choice=False,
        validators=[InputRequired(PICK_ONE)],
    )
    decimals = RadioField(
        "Số chữ số thập phân của tỷ lệ",
        choices=DECIMAL_CHOICES,
        coerce=int,
        validate_choice=False,
        validators=[AnyOf(list(range(5)), PICK_ONE)],
    )

    retention_years = IntegerField(
        "Giữ dữ liệu hộ bao nhiêu năm",
        validators=[
            Optional(),
            NumberRange(1, 50, "Thời hạn phải từ 1 đến 50 năm."),
        ],
    )

    # What the commune's documents print (the header, the number, who signs)
    parent_authority = _line("Cơ quan cấp trên (dòng trên UBND xã)", 120)
    document_number = _line("Số văn bản (sau “Số:”)", 60)
    signer_title = _pick_one("Người ký", SIGNER_CHOICES, default="chu_tich")
    signer_name = _line("Họ tên người ký", 120)
    preparer_name = _line("Họ tên người lập biểu", 120)

    def validate_criteria_ids(self, field):
        if not field.data:
            raise ValidationError("Chọn ít nhất một bộ tiêu chí.")
        known = {choice.value for choice in field.choices}
        if any(value not in known for value in field.data):
            raise ValidationError("Có bộ tiêu chí không hợp lệ.")

    def to_changes(self) -> dict:
        """The clean values, as services.update_settings takes them."""
        return {
            "criteria_ids": list(self.criteria_ids.data),
            "working_age_rule": self.working_age_rule.data,
            "adult_age": self.adult_age.data,
            "count_tam_vang": self.count_tam_vang.data,
            "decimals": self.decimals.data,
            "parent_authority": self.parent_authority.data or "",
            "document_number": self.document_number.data or "",
            "signer_title": self.signer_title.data or "chu_tich",
            "signer_name": self.signer_name.data or "",
            "preparer_name": self.preparer_name.data or "",
        } | ({"retention_years": self.retention_years.data} if self.retention_years.data else {})


TARGET_RANGE = NumberRange(0, 100, "Chỉ tiêu phải từ 0 đến 100 (%%).")  # % is a format char
TARGET_INVALID = "Nhập một số, ví dụ 65 hoặc 72,5."


class TargetField(DecimalField):
    """A percent target; accepts a decimal comma (72,5) as people write it."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else numbers.format_decimal(self.data)

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].strip().replace(",", ".")]
        if valuelist and valuelist[0] == "":
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(TARGET_INVALID) from None
        if self.data is not None and not self.data.is_finite():  # "NaN", "sNaN", "Infinity"
            self.data = None
            raise ValueError(TARGET_INVALID)


def target_form(indicators, overrides: dict[str, Decimal | None], formdata=None):
    """A form with one optional target field per indicator (named t0, t1... in set order)."""

    class TargetForm(VnForm):
        pass

    for index, ind in enumerate(indicators):
        setattr(
            TargetForm,
            f"t{index}",
            TargetField(
                f"Chỉ tiêu riêng của xã cho {ind.code}", validators=[Optional(), TARGET_RANGE]
            ),
        )
    data = {f"t{i}": overrides.get(ind.code) for i, ind in enumerate(indicators)}
    if formdata is None:
        return TargetForm(formdata=None, data=data)
    return TargetForm(data=data)


# ---- manual indicators ------------------------------------------------------------------------

COUNT_RANGE = NumberRange(min=0, message="Nhập số nguyên không âm.")


class CountField(IntegerField):
    """A whole number; blank is None; thousands dots (1.234) are accepted."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip().replace(".", "") if valuelist else ""
        if not text:
            self.data = None
            return
        self.data = whole_number(text)
        if self.data is None:
            raise ValueError("Nhập số nguyên không âm, ví dụ 12.")


class ManualResultForm(VnForm):
    result_text = StringField("Kết quả", validators=[Length(max=500, message="Tối đa 500 ký tự.")])
    numerator = CountField("Tử số (nếu có)", validators=[Optional(), COUNT_RANGE])
    denominator = CountField("Mẫu số (nếu có)", validators=[Optional(), COUNT_RANGE])
    evaluation = _pick_one("Đánh giá", EVALUATION_CHOICES, default="")
    evidence_note = TextAreaField(
        "Tài liệu minh chứng, ghi chú", validators=[Length(max=5000, message="Tối đa 5.000 ký tự.")]
    )
    evidence_link = StringField(
        "Đường dẫn minh chứng (nếu có)",
        validators=[
            Length(max=500, message="Tối đa 500 ký tự."),
            Regexp(
                r"^(|https?://\S+)$",
                message="Đường dẫn phải bắt đầu bằng http:// hoặc https://, không có khoảng trắng.",
            ),
        ],
        filters=[lambda value: (value or "").strip()],
        render_kw={"inputmode": "url", "autocomplete": "off"},
    )

    def validate_denominator(self, field):
        num, den = self.numerator.data, field.data
        if (num is None) != (den is None):
            raise ValidationError("Nhập cả tử số và mẫu số, hoặc bỏ trống cả hai.")
        if num is not None and den == 0:
            raise ValidationError("Mẫu số phải lớn hơn 0.")
        if num is not None and num > den:
            raise ValidationError("Tử số không được lớn hơn mẫu số.")

    def to_data(self) -> dict:
        """The clean values, as services.save_manual_result takes them."""
        return {
            "result_text": (self.result_text.data or "").strip(),
            "numerator": self.numerator.data,
            "denominator": self.denominator.data,
            "evaluation": self.evaluation.data or None,
            "evidence_note": (self.evidence_note.data or "").strip(),
            "evidence_link": self.evidence_link.data or "",
        }


EVALUATION_OF = {True: "dat", False: "khong_dat", None: ""}


def manual_form(prefix: str, result, submitted: bool) -> ManualResultForm:
    """The form of one manual indicator: the posted data if it was sent, else what is stored."""
    if submitted:
        return ManualResultForm(prefix=prefix)
    data = {}
    if result.manual is not None:
        data = {
            "result_text": result.manual.result_text,
            "numerator": result.numerator,
            "denominator": result.denominator,
            "evaluation": EVALUATION_OF[result.passed],
            "evidence_note": result.manual.evidence_note,
            "evidence_link": result.manual.evidence_link,
        }
    return ManualResultForm(formdata=None, prefix=prefix, data=data)
